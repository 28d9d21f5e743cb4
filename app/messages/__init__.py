"""Messages to owners: a transactional outbox (outbox.py), delivered by a sender over SMTP.

Nothing is sent inside a web request: what causes a message (a booking, a cancellation, the
reminder run) queues it in its own transaction, and `flask messages send` / `worker` delivers
it. See README, "Messages to owners".
"""
