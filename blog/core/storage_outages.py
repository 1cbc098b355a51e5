"""What the product knows of a media storage (S3) outage: which errors are one, what a
blogger is told, and the log line. Shared by ``bearcms.service_outages`` (every view) and
the Markdown editor's own upload endpoint (``blog.dashboard.editor_uploads``)."""

import logging

from botocore.exceptions import BotoCoreError, ClientError

logger = logging.getLogger(__name__)

# Unreachable, timed out, refused credentials, 5xx: the bucket is no use to us right now.
STORAGE_ERRORS = (BotoCoreError, ClientError)
MESSAGE = (
    "Uploads cannot be stored or loaded right now: the storage service is not answering. "
    "Nothing you wrote was lost. Try again in a few minutes."
)


def log_storage_error(request, error):
    logger.error("Media storage unavailable (%s %s): %r", request.method, request.path, error)
