#!/bin/sh
# Installs what the tests need beyond npm, from Debian's packages: Chromium (browser tests),
# python3-nacl (the independent libsodium binding for the crypto cross-check) and espeak-ng (the
# spoken sample the voice tests play through a fake microphone). Skips what is there.
set -e
need=""
[ -x /usr/bin/chromium ] || need="$need chromium fonts-liberation"
/usr/bin/python3 -c 'import nacl' 2>/dev/null || need="$need python3-nacl"
command -v espeak-ng >/dev/null 2>&1 || need="$need espeak-ng"
if [ -n "$need" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "installing:$need"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
/usr/bin/chromium --version
/usr/bin/python3 -c 'import nacl; print("python3-nacl", nacl.__version__)'
espeak-ng --version
