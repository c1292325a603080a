"""The `file` email backend: each email written as an .eml file into a folder.

The file name comes from the Message-ID, and the file is written atomically (temporary name,
then rename), so a retried delivery replaces the same file instead of adding a second one.
"""

from __future__ import annotations

import os
import re
import tempfile
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from korwatch.errors import DeliveryError


def write_eml(message: EmailMessage, folder: Path) -> Path:
    name = re.sub(r"[^A-Za-z0-9.-]", "_", str(message["Message-ID"]).strip("<>")) + ".eml"
    target = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".eml")
        with os.fdopen(handle, "wb") as stream:
            stream.write(message.as_bytes(policy=SMTP))
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as error:
        raise DeliveryError(f"cannot write {target}: {error.strerror}") from error
    return target
