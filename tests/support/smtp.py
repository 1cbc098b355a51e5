"""The mailbox of a real SMTP server (aiosmtpd) the tests start."""


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []
        self.sessions = []  # (over TLS?, authenticated login) for each message

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        self.sessions.append((session.ssl is not None, session.login_data))
        return "250 Message accepted for delivery"
