-- What each reader has seen of a case's thread: the number of the worker's answers released when
-- they last opened it, so a new answer is marked in the list and counted in the digest until then
-- (src/storage/case-reads.ts). Per reader: one monitor opening a case does not hide it from another.
CREATE TABLE case_reads (
  key_id        TEXT NOT NULL,
  report_id     TEXT NOT NULL REFERENCES reports(id),
  answers_seen  INTEGER NOT NULL,
  PRIMARY KEY (key_id, report_id)
) WITHOUT ROWID;
