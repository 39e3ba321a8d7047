-- #announcements' first description repeated what its header says (who posts, where help is): cleared,
-- unless the product team wrote one of its own.
UPDATE "channels" SET "description" = ''
WHERE "is_announcements"
  AND "description" = 'Every member is here. The product team posts releases and news; react and reply in threads. For help, open a ticket in the Service desk.';
