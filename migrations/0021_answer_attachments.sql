-- Files a worker adds later, with an answer sent from the follow-up page (src/routes/mailbox-api.ts).
-- NULL: sent with the report. Otherwise the id of the answer (messages.id) they travel with: readers
-- see their rows and chunks only once that answer is released, like the answer itself. Their keys
-- travel sealed inside the answer; D1 keeps only ids and chunk counts, as for the report's own files.
ALTER TABLE attachments ADD COLUMN message_id TEXT;
