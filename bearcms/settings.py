"""bearcms settings: one module, every knob read from the environment.

Defaults are safe for a developer's laptop (SQLite, console email, DEBUG on only when
asked for). Production sets SECRET_KEY, DATABASE_URL, BLOG_DOMAIN and the email variables;
`manage.py check --deploy` is clean then. The README lists every variable.
"""

import os
import re
import sys
import zoneinfo
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from blog.core import markdown as blog_markdown
from blog.core import media_files as blog_media_files

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

# Without SECRET_KEY a development key is used: management commands and tests work
# anywhere, `check --deploy` flags it (security.W009), and bearcms/wsgi.py refuses to
# serve with it unless DEBUG is on.
SECRET_KEY = os.environ.get("SECRET_KEY", "") or (
    "django-insecure-dev-only-key-never-use-in-production-4f9c2b7e1d"  # noqa: S105
)
SECRET_KEY_FROM_ENVIRONMENT = bool(os.environ.get("SECRET_KEY"))

# The platform's own host. Blogs live at <subdomain>.<BLOG_DOMAIN>.
BLOG_DOMAIN = os.environ.get("BLOG_DOMAIN", "localhost").strip().lower().rstrip(".")
# Days a deleted blog's subdomain stays unavailable to new sign-ups.
SUBDOMAIN_QUARANTINE_DAYS = int(os.environ.get("SUBDOMAIN_QUARANTINE_DAYS", "30"))
# Blogs one account may own (home.blogs); Bear Blog allows 10.
MAX_BLOGS_PER_ACCOUNT = int(os.environ.get("MAX_BLOGS_PER_ACCOUNT", "10"))
# Port and scheme used when building absolute URLs to blogs (admin "view live" links,
# feeds). Host matching ignores ports; only generated links carry one.
SITE_PORT = int(os.environ.get("SITE_PORT", "8000" if DEBUG or TESTING else "443"))
SITE_SCHEME = "https" if SITE_PORT == 443 else "http"

# Blogs answer on any custom domain a blogger sets, so Django's host list cannot name
# them: blog.tenants.hosts checks every host instead (one indexed lookup) and answers 404 for
# hosts that are no blog, before any view could use the Host header.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*")
# The name bloggers point their custom domain's CNAME record at: the host of the Caddy
# that serves custom domains (caddy/Caddyfile).
CUSTOM_DOMAIN_TARGET = os.environ.get("CUSTOM_DOMAIN_TARGET", f"domains.{BLOG_DOMAIN}")
# Whether /caddy/ask/ also lets Caddy get on-demand certificates for the platform host and
# its blogs' subdomains (the staging box does; production uses a wildcard certificate).
CADDY_ASK_SUBDOMAINS = env_bool("CADDY_ASK_SUBDOMAINS")
# A blog takes a custom domain only once a DNS TXT record proves it is the blogger's
# (blog.core.domain_ownership); off by default in development, where domains are made up.
CUSTOM_DOMAIN_VERIFICATION = env_bool("CUSTOM_DOMAIN_VERIFICATION", not DEBUG)
# DNS servers ("host" or "host:port") for that check; the system's resolver when empty.
DNS_NAMESERVERS = env_list("DNS_NAMESERVERS")
DNS_LOOKUP_SECONDS = float(os.environ.get("DNS_LOOKUP_SECONDS", "5"))

INSTALLED_APPS = [
    "home",
    "blog",
    "wagtailmarkdown",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.settings",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    # Its template tags, for allauth's list of security keys ("added 3 days ago").
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy from django-csp (CONTENT_SECURITY_POLICY below), and the
    # Permissions-Policy: bearcms/security_headers.py.
    "bearcms.security_headers.ContentSecurityPolicyMiddleware",
    "bearcms.security_headers.PermissionsPolicyMiddleware",
    # Scanners' probes (.php, .env, wp-admin) answered before anything queries.
    "bearcms.scanner_probes.ScannerProbeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "blog.analytics.hits.HitPixelMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "blog.caching.page_cache.ReaderPageCacheMiddleware",
    "blog.caching.http_cache.ReaderCacheMiddleware",
    "blog.tenants.hosts.BlogHostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # An unreachable media bucket or a full disk is a message, not a 500.
    "bearcms.service_outages.ServiceOutageMiddleware",
]

# Addresses (or networks) of the proxies in front of the app, e.g. Caddy on the same box
# (127.0.0.1) or a load balancer's network: only from these is X-Forwarded-For believed
# when the reader's address is needed (rate limits, upvote and analytics hashes).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# Reader pages: seconds browsers (max-age) and the CDN (s-maxage) may keep them.
READER_MAX_AGE = int(os.environ.get("READER_MAX_AGE", "60"))
READER_S_MAXAGE = int(os.environ.get("READER_S_MAXAGE", "3600"))
# Seconds a rendered reader page is kept in the app's cache (blog/caching/page_cache.py); 0 = off.
READER_PAGE_CACHE_SECONDS = int(
    os.environ.get("READER_PAGE_CACHE_SECONDS", "0" if TESTING else "60")
)
# The request header (in request.META form) in which the CDN names the reader's country
# (blog.analytics.hits); Cloudflare's CF-IPCountry by default.
ANALYTICS_COUNTRY_HEADER = os.environ.get("ANALYTICS_COUNTRY_HEADER", "HTTP_CF_IPCOUNTRY")

ROOT_URLCONF = "bearcms.urls"
# Blog hosts get their own, much smaller URLconf (reader pages only; no admin).
BLOG_URLCONF = "bearcms.urls_blog"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "bearcms.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Tests close every connection at once, so the test database can be dropped.
        conn_max_age=0 if TESTING else int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once (and is what Litestream replicates).
    # The busy timeout (seconds) makes a writer wait for a lock held by another process
    # (a gunicorn worker, the task worker, Litestream's checkpoint) instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # A database host that stops answering (a failover, a network fault) must not hold a
    # worker until gunicorn's timeout kills it: give up connecting after a few seconds,
    # and the request gets the 503 of bearcms.server_errors. (?connect_timeout= in
    # DATABASE_URL wins.)
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# Host resolution and page URLs are cached (blog.tenants.site_cache); every web process must see the
# same cache so that creating or renaming a blog invalidates it everywhere. Redis when
# REDIS_URL is set (Heroku), otherwise a file cache shared by the processes of one box.
REDIS_URL = os.environ.get("REDIS_URL", "")
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            # Django's default of 300 entries would cull (list and delete files) on
            # nearly every write once a few hundred blogs are read.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))


def s3_media_storage(env):
    """Uploads (images, renditions, documents) in an S3 bucket, as the environment says.

    Readers fetch them from the CDN (AWS_S3_CUSTOM_DOMAIN) or, with a public-read ACL,
    from the bucket, by plain URLs: a signed URL would expire, yet the editor writes image
    URLs into posts for good. So one of the two is required. The keys are not options:
    django-storages reads them from the environment, and Wagtail copies a storage's
    options into every file-deletion task, which the database task backend keeps in a
    table.
    """
    custom_domain = env.get("AWS_S3_CUSTOM_DOMAIN") or None
    default_acl = env.get("AWS_DEFAULT_ACL") or None  # DigitalOcean Spaces: public-read
    if not (custom_domain or default_acl == "public-read"):
        raise ImproperlyConfigured(
            "With AWS_STORAGE_BUCKET_NAME, readers need a way to the images: set "
            "AWS_S3_CUSTOM_DOMAIN (the CDN in front of the bucket) or "
            "AWS_DEFAULT_ACL=public-read."
        )
    return {
        "BACKEND": "bearcms.media_storage.MediaS3Storage",
        "OPTIONS": {
            "bucket_name": env["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": env.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env.get("AWS_S3_REGION_NAME") or None,
            "addressing_style": env.get("AWS_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            "custom_domain": custom_domain,
            "default_acl": default_acl,
            "querystring_auth": False,
            "file_overwrite": False,
            # An upload never replaces a stored object (a taken name gets a suffix), so
            # a URL keeps meaning the same bytes: browsers and the CDN may keep it a year.
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }


# Bounds on every S3 call (bearcms.media_storage): an unreachable bucket fails an upload
# in about 2 x 3 s, a hanging one in about 2 x 10 s, within gunicorn's 30 s worker
# timeout (botocore's own: 5 x 60 s).
AWS_S3_CONNECT_TIMEOUT = float(os.environ.get("AWS_S3_CONNECT_TIMEOUT", "3"))
AWS_S3_READ_TIMEOUT = float(os.environ.get("AWS_S3_READ_TIMEOUT", "10"))
AWS_S3_MAX_ATTEMPTS = int(os.environ.get("AWS_S3_MAX_ATTEMPTS", "2"))
# The media CDN's host (a blog may not claim it as its own domain).
AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip().lower()
STORAGES = {
    "default": (
        s3_media_storage(os.environ)
        if os.environ.get("AWS_STORAGE_BUCKET_NAME")
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Sessions and cookies: host-only on the platform host; blog hosts never see them.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", f"{SITE_SCHEME}://{BLOG_DOMAIN}")

SECURE_PRODUCTION = not (DEBUG or TESTING) and SITE_SCHEME == "https"
if SECURE_PRODUCTION:
    # "__Host-" cookies must be Secure, path=/ and carry no Domain: browsers refuse to
    # let any subdomain (a blog) set or read them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # Every blog host is served over HTTPS (wildcard or on-demand certificates), so the
    # whole domain can be preloaded; operators can opt out.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Links out tell the other site which blog sent the reader, never the page's path.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Wagtail's live preview frames the page being edited from the same origin, so framing
# is limited to the same origin rather than refused outright (check W019 says DENY).
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# --- Content-Security-Policy, sent by django-csp's middleware (bearcms/security_headers.py
# says how a request gets one or the other, and why).
# Every page readers and visitors see (blogs, feeds, the platform's landing, sign-up,
# log-in and discovery pages, error pages, a post's preview in the dashboard): no script
# at all. Styles may be inline (a blog's theme and custom CSS are a <style> element),
# images, videos and sound come from anywhere (the reader's browser fetches them, never
# the server; the sanitiser lets a <video>, <audio>, <source> or <track> through with an
# http(s) address only), frames only from the embed hosts the Markdown sanitiser lets
# through (blog.core.markdown.EMBED_HOSTS: one list for both), forms post back only.
embed_sources = [f"https://{host}" for host in sorted(blog_markdown.EMBED_HOSTS)]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "img-src": ["*", "data:"],
        "media-src": ["*"],
        "style-src": [SELF, UNSAFE_INLINE],
        "font-src": [SELF],
        "frame-src": embed_sources,
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [SELF],
    }
}
# The dashboard (/dashboard/ on BLOG_DOMAIN), in the same format: everything from the
# platform's own origin only. Wagtail 8 still writes small inline <script> elements (date
# widgets, inline panels), hence 'unsafe-inline' for scripts, but no other host's script
# and no eval. Post previews show the images a post links to; uploads preview as blobs.
DASHBOARD_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": ["*", "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF, *embed_sources],
        "object-src": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "frame-ancestors": [SELF],
    }
}

# --- Email: console in development, SMTP from the environment otherwise.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"bearcms <noreply@{BLOG_DOMAIN}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks (django-tasks): mail to subscribers, retries. In production they
# are queued in the database for a worker process (`manage.py db_worker`, the Procfile's
# worker), so that publishing never waits for mail; inline in development and tests.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if DEBUG or TESTING else "database")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}

# --- ActivityPub (blog.federation, docs/activitypub.md): how long another server may take
# to answer, and whether it may be on this machine or the private network over plain
# http (development and tests only: a remote actor's address is anyone's choice).
FEDERATION_TIMEOUT = float(os.environ.get("FEDERATION_TIMEOUT", "10"))
FEDERATION_PRIVATE_NETWORKS = env_bool("FEDERATION_PRIVATE_NETWORKS", DEBUG or TESTING)

# --- django-allauth: email + password; the sign-up form also asks for the subdomain.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_FORMS = {"signup": "home.signup.BlogSignupForm"}
ACCOUNT_ADAPTER = "home.adapter.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = SITE_SCHEME
# Rate limits (allauth counts POSTs per client address, see home.adapter, or per email
# address, the "key"; IPv6 addresses per /64). Anything not named keeps allauth's default.
ACCOUNT_RATE_LIMITS = {
    # A person signs up once, with a retry or two for a taken subdomain; 20 an hour still
    # lets a classroom behind one NAT address in, while a script gets 20 blogs, not 1,200.
    "signup": "5/m/ip,20/h/ip",
    # Every login POST from one address: a password-guessing script gets a 429.
    "login": "10/m/ip",
    # Failed logins: per address as above, and 5 per account in 15 minutes, which caps
    # guessing one account's password at 480 tries a day whatever the number of
    # addresses (the owner's password reset lifts the lock at once).
    "login_failed": "10/m/ip,5/15m/key",
    # Each reset mails someone (also unknown addresses: allauth prevents enumeration),
    # so an inbox gets at most 3 reset mails an hour, and one address asks 5 a minute.
    "reset_password": "5/m/ip,3/h/key",
    # The link in the reset mail: its key is unguessable; this only stops hammering.
    "reset_password_from_key": "20/m/ip",
    # The confirmation mail (sign-up, logging in unconfirmed, resending): one per
    # address every 3 minutes and 10 a day, so nobody's inbox is flooded through us.
    "confirm_email": "1/3m/key,10/d/key",
}
# A hidden field form-filling bots fill in (home.signup): an innocuous name, so they do.
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "website"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/dashboard/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Two-factor sign-in (allauth.mfa, /accounts/2fa/): an authenticator app's codes, security
# keys (WebAuthn: USB or NFC keys, phones, fingerprint readers), and recovery codes for
# when the phone or key is lost. Its secrets are encrypted at rest (home/two_factor.py).
# Authenticator apps list the account under the platform's domain.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_ADAPTER = "home.two_factor.TwoFactorAdapter"
MFA_TOTP_ISSUER = BLOG_DOMAIN
# Staff can open every blog: in production their accounts must have a second factor
# before the dashboard opens (home.two_factor.staff_second_factor_required).
STAFF_TWO_FACTOR_REQUIRED = env_bool("STAFF_TWO_FACTOR_REQUIRED", not (DEBUG or TESTING))

# --- Wagtail
WAGTAIL_SITE_NAME = "bearcms"
WAGTAILADMIN_BASE_URL = f"{SITE_SCHEME}://{BLOG_DOMAIN}" + (
    "" if SITE_PORT in (80, 443) else f":{SITE_PORT}"
)
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False  # allauth's password reset is the only one
# allauth's email page is the only way to change an address: it confirms the new one by
# mail, refuses throwaway ones and never gives one account another's. Wagtail's Account
# page would save any address unconfirmed (home/account_email.py).
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
# The time zones the Account page offers. Wagtail's default is every name Python finds on
# the machine, among them "localtime" and "Factory", which name no place: a browser may
# refuse such a name (Chromium refuses "localtime"), and then the menu's script stops with
# an error. A place (Europe/Paris, America/New_York) in the tz database's regions, or UTC,
# is a name every browser knows and where people look for their own; the old aliases
# (US/Eastern, Poland, EST5EDT) only repeat one of them.
WAGTAIL_USER_TIME_ZONES = sorted(
    zone
    for zone in zoneinfo.available_timezones()
    if re.fullmatch(
        r"UTC|(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)/.+",
        zone,
    )
)
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# Keep i18n off: it turns Wagtail's site-root-path rebuild into N+1 queries
# (docs/architecture.md, "Why Wagtail is overridden").
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Documents: staff keep the office formats; bloggers upload web fonts (their custom CSS uses
# them as url(/fonts/<file name>)), sound, video and PDFs (blog.core.media_files,
# blog.dashboard.document_uploads, blog.reader.fonts).
WAGTAILDOCS_EXTENSIONS = [
    *("csv", "docx", "key", "odt", "pptx", "rtf", "txt", "xlsx", "zip"),
    *blog_media_files.FILE_TYPES,
]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "blog.dashboard.document_uploads.DocumentUploadForm"
# Wagtail's /documents/<id>/<name> streams a file from the platform's own origin, where the
# dashboard's cookies live: always as a download, never opened there (a PDF would be).
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
# The largest font a document may be (browsers download it before showing the text in it).
FONT_MAX_UPLOAD_MB = int(os.environ.get("FONT_MAX_UPLOAD_MB", "5"))
# Sound, video and PDFs. An upload is one request, which a sync gunicorn worker reads whole
# within GUNICORN_TIMEOUT (30 s) and Caddy cuts at CADDY_MAX_BODY_SIZE (20MB): 15 MB takes
# 24 s on a phone's 5 Mbit/s uplink, leaving time to check and store it. Raise them
# together, and only for uploaders on faster lines.
AUDIO_MAX_UPLOAD_MB = int(os.environ.get("AUDIO_MAX_UPLOAD_MB", "15"))
VIDEO_MAX_UPLOAD_MB = int(os.environ.get("VIDEO_MAX_UPLOAD_MB", "15"))
PDF_MAX_UPLOAD_MB = int(os.environ.get("PDF_MAX_UPLOAD_MB", "10"))
# All of a blog's documents together: the platform is no file host.
BLOG_FILES_MAX_MB = int(os.environ.get("BLOG_FILES_MAX_MB", "200"))
# Import (blog.transfer.uploads): the largest file a blogger may upload, and what the posts in a
# ZIP may unpack to. Caddy cuts request bodies at CADDY_MAX_BODY_SIZE (20MB) first, form
# and all: keep this a little below it, and raise both together.
IMPORT_MAX_UPLOAD_MB = int(os.environ.get("IMPORT_MAX_UPLOAD_MB", "19"))
IMPORT_MAX_UNPACKED_MB = int(os.environ.get("IMPORT_MAX_UNPACKED_MB", "100"))

# Images: the upload limit (also the Markdown editor's), the formats accepted (no SVG: it
# can carry scripts), and the form every upload passes, which strips location metadata.
IMAGE_MAX_UPLOAD_MB = int(os.environ.get("IMAGE_MAX_UPLOAD_MB", "10"))
WAGTAILIMAGES_MAX_UPLOAD_SIZE = IMAGE_MAX_UPLOAD_MB * 1024 * 1024
# Pixels, not bytes, decide the memory an image takes to decode: a small file can hold a
# huge, flat picture. 50 megapixels lets a 48 MP phone photo through (about 150 MB to
# decode, once); Wagtail's default of 128 would let one upload take most of a dyno.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "blog.dashboard.image_uploads.ImageUploadForm"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Bloggers publish their own posts; staff moderate whole blogs, not single revisions.
# (Wagtail's default workflow would offer bloggers "Submit to Moderators approval".)
WAGTAIL_WORKFLOW_ENABLED = False
# Avatars would come from Gravatar; the dashboard loads nothing from third-party hosts.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Purge the CDN (Cloudflare) when blogs change: see blog/caching/cdn.py and
# blog/wagtail_overrides/cloudflare.py.
if os.environ.get("CLOUDFLARE_API_TOKEN") and os.environ.get("CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE = {
        "cloudflare": {
            "BACKEND": "blog.wagtail_overrides.cloudflare.CloudflareBackend",
            "BEARER_TOKEN": os.environ["CLOUDFLARE_API_TOKEN"],
            "ZONEID": os.environ["CLOUDFLARE_ZONE_ID"],
            "API_URL": os.environ.get("CLOUDFLARE_API_URL", "https://api.cloudflare.com/client/v4"),
        }
    }
WAGTAILMARKDOWN = {
    # EasyMDE would fetch Font Awesome from a CDN; the dashboard loads nothing
    # from third-party hosts.
    "autodownload_fontawesome": False,
}

# --- Development tools: the debug toolbar only when DEBUG is on and it is installed.
if DEBUG and not TESTING:
    try:
        import debug_toolbar  # noqa: F401
    except ImportError:
        pass
    else:
        INSTALLED_APPS.append("debug_toolbar")
        MIDDLEWARE.insert(
            MIDDLEWARE.index("blog.tenants.hosts.BlogHostMiddleware") + 1,
            "debug_toolbar.middleware.DebugToolbarMiddleware",
        )
        INTERNAL_IPS = ["127.0.0.1"]
        # Only on the platform host: reader pages stay free of JavaScript even in dev.
        DEBUG_TOOLBAR_CONFIG = {
            "SHOW_TOOLBAR_CALLBACK": lambda request: (
                request.META.get("REMOTE_ADDR") in INTERNAL_IPS and not hasattr(request, "urlconf")
            )
        }

# --- Logging: one line per record on stdout (the platform's log collector reads it);
# ERROR records also go to Slack when SLACK_WEBHOOK_URL is set (bearcms/slack_logging.py:
# posted from a background thread, rate-limited, never slowing a request).
SLACK_WEBHOOK_URL = os.environ.get("SLACK_WEBHOOK_URL", "")
SLACK_TIMEOUT = float(os.environ.get("SLACK_TIMEOUT", "5"))
SLACK_RATE_LIMIT = int(os.environ.get("SLACK_RATE_LIMIT", "10"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
if SLACK_WEBHOOK_URL:
    # On the root logger only: django.request's records propagate to it, so a handler on
    # both would post every failed request twice.
    LOGGING["handlers"]["slack"] = {
        "class": "bearcms.slack_logging.SlackWebhookHandler",
        "level": "ERROR",
        "webhook_url": SLACK_WEBHOOK_URL,
        "timeout": SLACK_TIMEOUT,
        "max_per_window": SLACK_RATE_LIMIT,
    }
    LOGGING["root"]["handlers"].append("slack")
