-- Buzón schema. Every table is WITHOUT ROWID with a random or natural key, so no rowid order
-- tells in which order the reports of one day arrived (ARCHITECTURE.md, privacy rules).
-- Kept in clear on purpose: facility, category codes, recipients chosen, received day, status.

CREATE TABLE facilities (
  id            TEXT PRIMARY KEY,             -- ASCII slug, also the envelope's facility binding
  name          TEXT NOT NULL,
  short_code    TEXT NOT NULL UNIQUE,         -- the poster's short link: /f/<short_code>
  email_local   TEXT UNIQUE,                  -- local part of the facility's intake address
  state         TEXT,
  municipality  TEXT,
  sector        TEXT,
  active        INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

-- Public keys of monitors and officials. Private keys never reach the server.
CREATE TABLE recipients (
  key_id        TEXT PRIMARY KEY,             -- hex of BLAKE2b-64 of box_pk
  role          TEXT NOT NULL CHECK (role IN ('monitor', 'official')),
  label         TEXT NOT NULL,
  box_pk        TEXT NOT NULL,                -- X25519, base64url
  sign_pk       TEXT NOT NULL,                -- Ed25519, base64url
  kdf_salt      TEXT NOT NULL,                -- Argon2id salt, base64url
  kdf_ops       INTEGER NOT NULL,
  kdf_mem       INTEGER NOT NULL,
  scope_state   TEXT,                         -- officials: NULL = every facility, else one state
  status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired'))
) WITHOUT ROWID;

-- Which facilities a monitor serves.
CREATE TABLE recipient_facilities (
  key_id        TEXT NOT NULL REFERENCES recipients(key_id),
  facility_id   TEXT NOT NULL REFERENCES facilities(id),
  PRIMARY KEY (key_id, facility_id)
) WITHOUT ROWID;

CREATE TABLE reports (
  id            TEXT PRIMARY KEY,             -- 16 random bytes, hex, made by the client
  facility_id   TEXT NOT NULL REFERENCES facilities(id),
  channel       TEXT NOT NULL CHECK (channel IN ('web', 'email')),
  send_to       TEXT NOT NULL CHECK (send_to IN ('monitor', 'authority', 'both')),
  received_day  TEXT NOT NULL,                -- YYYY-MM-DD in Mexico City; never a time of day
  status        TEXT NOT NULL DEFAULT 'new',
  severity      TEXT,
  mailbox_id    TEXT NOT NULL UNIQUE,         -- derived from the receipt code
  mailbox_box_pk  TEXT NOT NULL,
  mailbox_sign_pk TEXT NOT NULL,
  body_key      TEXT NOT NULL,                -- KV key of the encrypted body
  body_digest   TEXT NOT NULL                 -- BLAKE2b of the ciphertext: tells a retry from a clash
) WITHOUT ROWID;
CREATE INDEX reports_by_facility ON reports (facility_id, received_day);

CREATE TABLE report_categories (
  report_id     TEXT NOT NULL REFERENCES reports(id),
  category      TEXT NOT NULL,
  PRIMARY KEY (report_id, category)
) WITHOUT ROWID;

-- The content key of a report or message, sealed to one recipient key.
CREATE TABLE wrapped_keys (
  report_id     TEXT NOT NULL REFERENCES reports(id),
  message_id    TEXT NOT NULL,                -- equals report_id for the report body itself
  key_id        TEXT NOT NULL,
  sealed        TEXT NOT NULL,                -- base64url, 80 bytes
  PRIMARY KEY (report_id, message_id, key_id)
) WITHOUT ROWID;
