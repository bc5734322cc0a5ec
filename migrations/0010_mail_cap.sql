-- Mail volume: a facility accepts at most this many mail reports per release day; past it, mail
-- gets a temporary failure and the sender's server retries later (src/email/handler.ts). Mail
-- costs a flooder nothing, unlike the web form's proof of work.
ALTER TABLE facilities ADD COLUMN mail_daily_cap INTEGER NOT NULL DEFAULT 200 CHECK (mail_daily_cap >= 0);
