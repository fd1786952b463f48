"""The local stack's outbox: each email SNS would send is one `.eml` file in a folder.

The emulator writes a file per message and email subscriber (`write_email`, from the SNS addition
in `local_stack.emulator.additions`); any mail client opens them, and they read as plain text:
headers (From, To, Subject, Date) and the body. `read_emails` parses them back for the demo and
the tests. Names sort in sending order: `<UTC time>-<subject>-<message id>.eml`.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

SENDER = "AWS Notifications <no-reply@sns.amazonaws.com>"
DEFAULT_SUBJECT = "AWS Notification Message"  # what SNS uses when a message has no subject
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
# UTF-8 headers, plain "\n" line ends: files that read like text on any machine.
_POLICY = email.policy.SMTPUTF8.clone(linesep="\n")


@dataclass(frozen=True)
class OutboxEmail:
    path: Path
    subject: str
    to: str
    date: datetime
    body: str
    message_id: str
    topic_arn: str

    @property
    def kind(self) -> str:
        """The subject's lead without its `[...]` tag: `Review needed`, `Live`, `Failed`..."""
        return re.sub(r"^\[[^\]]*\]\s*", "", self.subject).split(":", 1)[0]


def file_name(sent_at: datetime, subject: str, message_id: str) -> str:
    slug = _UNSAFE.sub("-", subject).strip("-")[:48] or "message"
    stamp = sent_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    return f"{stamp}-{slug}-{message_id[:8]}.eml"


def write_email(
    outbox_dir: Path,
    *,
    to: str,
    subject: str | None,
    body: str,
    message_id: str,
    topic_arn: str,
    sent_at: datetime | None = None,
) -> Path:
    """Write one message for one recipient; the file appears whole (written, then renamed)."""
    sent_at = sent_at or datetime.now(UTC)
    subject = subject or DEFAULT_SUBJECT
    message = EmailMessage(policy=_POLICY)
    message["From"] = SENDER
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(sent_at.astimezone(UTC))
    message["Message-ID"] = f"<{message_id}@sns.local>"
    message["X-SNS-Topic-Arn"] = topic_arn
    try:
        message.set_content(body, cte="8bit")  # readable as is in any editor
    except ValueError:  # a line longer than SMTP allows: let the library encode it
        message.set_content(body, cte="quoted-printable")
    outbox_dir.mkdir(parents=True, exist_ok=True)
    target = outbox_dir / file_name(sent_at, subject, message_id)
    handle, temporary = tempfile.mkstemp(dir=outbox_dir, prefix=".", suffix=".part")
    with os.fdopen(handle, "wb") as stream:
        stream.write(message.as_bytes())
    os.replace(temporary, target)
    return target


def read_email(path: Path) -> OutboxEmail:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # policy.default parses into EmailMessage
    body = message.get_body(("plain",))
    return OutboxEmail(
        path=path,
        # A long subject is folded onto a second line in the file; read back whole and unpadded.
        subject=" ".join(str(message["Subject"]).split()),
        to=str(message["To"]),
        date=email.utils.parsedate_to_datetime(str(message["Date"])),
        body=body.get_content() if body is not None else "",
        message_id=str(message["Message-ID"]).strip("<>").split("@", 1)[0],
        topic_arn=str(message["X-SNS-Topic-Arn"] or ""),
    )


def read_emails(outbox_dir: Path) -> list[OutboxEmail]:
    """Every message in the outbox, oldest first (an absent folder is an empty outbox)."""
    if not outbox_dir.is_dir():
        return []
    return [read_email(path) for path in sorted(outbox_dir.glob("*.eml"))]
