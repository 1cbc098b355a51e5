"""The S3 storage of uploads, with timeouts a blogger can wait through.

botocore's defaults are a 60-second connect timeout, a 60-second read timeout and five
attempts: an unreachable or hanging bucket would keep a blogger's image upload waiting
for up to five minutes per S3 call, past gunicorn's worker timeout. These bounds make an
outage an error within seconds (``bearcms.service_outages`` turns it into a message).

The bounds come from settings, not from the storage's options: Wagtail copies a storage's
options into every file-deletion task, whose arguments must be JSON.
"""

from botocore.config import Config
from django.conf import settings
from storages.backends.s3 import S3Storage


class MediaS3Storage(S3Storage):
    """django-storages' S3Storage with AWS_S3_CONNECT_TIMEOUT, AWS_S3_READ_TIMEOUT
    (seconds) and AWS_S3_MAX_ATTEMPTS (tries of each call, the first included)."""

    def __init__(self, **options):
        super().__init__(**options)
        self.client_config = self.client_config.merge(
            Config(
                connect_timeout=settings.AWS_S3_CONNECT_TIMEOUT,
                read_timeout=settings.AWS_S3_READ_TIMEOUT,
                retries={"mode": "standard", "total_max_attempts": settings.AWS_S3_MAX_ATTEMPTS},
            )
        )
