"""Settings for Congress Cloud. Every deployment-specific value comes from the environment
(see deploy/env.example); there is no separate production settings file."""

from pathlib import Path

import dj_database_url
from csp import constants as csp
from django.utils.translation import gettext_lazy as _
from psycopg_pool.base import AttemptWithBackoff

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PLATFORM_DIR = BASE_DIR / "platform"

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key" if DEBUG else None)

# The central platform answers on ROOT_DOMAIN; each congress on <subdomain>.ROOT_DOMAIN.
# Chromium refuses cookies for ".localhost", so development uses a real parent domain.
ROOT_DOMAIN = env_str("ROOT_DOMAIN", "congress.localhost").lower()
ALLOWED_HOSTS = [ROOT_DOMAIN, f".{ROOT_DOMAIN}", *env_list("EXTRA_ALLOWED_HOSTS", [])]
USE_HTTPS = env_bool("USE_HTTPS", not DEBUG)
SITE_SCHEME = "https" if USE_HTTPS else "http"
SITE_PORT = env_str("SITE_PORT", "")  # shown in printed and mailed links, e.g. "8000" in development

# One login for every subdomain: the session and CSRF cookies belong to the parent domain.
SESSION_COOKIE_DOMAIN = f".{ROOT_DOMAIN}"
CSRF_COOKIE_DOMAIN = f".{ROOT_DOMAIN}"
LANGUAGE_COOKIE_DOMAIN = f".{ROOT_DOMAIN}"
CSRF_TRUSTED_ORIGINS = [f"{SITE_SCHEME}://{ROOT_DOMAIN}", f"{SITE_SCHEME}://*.{ROOT_DOMAIN}"]
SESSION_COOKIE_SECURE = USE_HTTPS
CSRF_COOKIE_SECURE = USE_HTTPS
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if USE_HTTPS else None
# Proxies in front of the app that append to X-Forwarded-For (deploy/nginx: 1); 0 uses REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
X_FRAME_OPTIONS = "DENY"
# HSTS once served over HTTPS: every congress host is a subdomain served by the same certificate setup.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000) if USE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = USE_HTTPS
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts only from the platform's own files, no inline script and no
# eval; the few <style> blocks carry the request's nonce. Images may be data: URIs (the TOTP QR code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.NONCE],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
# What the pages may use of the browser (shared_apps.security.middleware.SecurityHeadersMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
# A form's text, files not counted (each upload checks its own size: photos, attachments, rosters). Django's
# default, named here because the 413 page quotes it; nginx's client_max_body_size bounds the whole body.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# The official footer of a Chinese website, shown when set: ICP filing (ICP备案号, e.g. 黔ICP备12345678号-1),
# the government website identifier (网站标识码), the public security filing (公安备案号), and who runs the
# root domain's platform (a congress's host names its own office).
SITE_ICP_RECORD = env_str("SITE_ICP_RECORD", "")
SITE_GOV_CODE = env_str("SITE_GOV_CODE", "")
SITE_PSB_RECORD = env_str("SITE_PSB_RECORD", "")
SITE_ORGANISER = env_str("SITE_ORGANISER", "")

SHARED_APPS = [
    # Our own `migrate` (which also keeps the template schema current) must shadow django-tenants' one,
    # so `tenants` is listed first.
    "tenants",
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "procrastinate.contrib.django",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "shared_apps.accounts",
    "shared_apps.memberships",
    "shared_apps.registry",
    "shared_apps.exchange",
    "shared_apps.ledger",
    "shared_apps.workdays",
    "shared_apps.notifications",
    "shared_apps.security",
    "shared_apps.audit",
    "shared_apps.idempotency",
    "console",
    "demo",
]
TENANT_APPS = [
    "tenant_apps.about",
    "tenant_apps.groups",
    "tenant_apps.units",
    "tenant_apps.suggestions",
    "tenant_apps.notices",
    "tenant_apps.liaison",
    "tenant_apps.duty",
    "tenant_apps.showcase",
    "tenant_apps.reports",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Congress"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
# The migrated schema every new congress is cloned from, and the pool of ready clones.
CONGRESS_TEMPLATE_SCHEMA = "congress_template"
CONGRESS_SPARE_POOL_SIZE = env_int("CONGRESS_SPARE_POOL_SIZE", 3)
# A connection is replaced once it has worked in this many congress schemas: each costs its backend ~1.2 MiB of
# cached catalog (tenants.connection.note_schema_visit; bench/province.py measures it).
CONGRESS_SCHEMAS_PER_CONNECTION = env_int("CONGRESS_SCHEMAS_PER_CONNECTION", 100)
# Where pg_dump and pg_restore are, for one congress's backup and restore (console.congress_backup); empty: PATH.
CONGRESS_PG_BINDIR = env_str("CONGRESS_PG_BINDIR", "")
# How long each process remembers which congress answers on a host (tenants.middleware): a change of a
# congress's status or modules reaches the other processes within this time. 0 looks it up on every request.
CONGRESS_HOST_CACHE_SECONDS = env_int("CONGRESS_HOST_CACHE_SECONDS", 10)

MIDDLEWARE = [
    # First: the load balancer's probe answers on any host, before the HTTPS redirect and the host routing.
    "config.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "shared_apps.security.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shared_apps.accounts.middleware.LanguageMiddleware",
    "tenants.middleware.CongressMiddleware",
    "shared_apps.audit.services.AuditContextMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which is the first to read a form: a body over the limit gets its 413 page.
    "config.errors.RequestTooLargeMiddleware",
    "config.errors.NulCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shared_apps.security.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shared_apps.memberships.middleware.MembershipMiddleware",
    "tenants.middleware.ModuleGateMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PLATFORM_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.congress",
                "config.menus.menu",
                "shared_apps.notifications.context_processors.unread_notices",
                "config.site.site_footer",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# psycopg 3 with Django's built-in pool. Connections are recycled after POOL_MAX_LIFETIME seconds.
# Never put pgbouncer in transaction mode in front of this: the search_path that selects a congress's
# schema is session state, and a pooler that shares sessions would serve one congress's rows to another.
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL"), conn_max_age=0)}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
# The pool checks a connection before handing it out (psycopg_pool's check_connection, one empty round trip): after
# PostgreSQL restarts, its idle connections are dead, and each would otherwise fail one request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env_bool("DATABASE_POOL", True):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN", 1),
        "max_size": env_int("DATABASE_POOL_MAX", 10),
        "max_lifetime": env_int("DATABASE_POOL_MAX_LIFETIME", 900),
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 5),
    }
# While the database does not answer, the pools (this one, and the worker's) try to reconnect every
# DATABASE_RECONNECT_MS milliseconds (±10 %) instead of psycopg_pool's doubling backoff (1, 2, 4, 8 … s), after which
# pages went on failing for up to 8 s once PostgreSQL answered again. A refused connection costs next to nothing.
AttemptWithBackoff.INITIAL_DELAY = env_int("DATABASE_RECONNECT_MS", 500) / 1000
AttemptWithBackoff.DELAY_BACKOFF = 1.0
# Set the schema's search_path once per connection and schema switch, not before every query (it halves the
# round trips). Safe with the pool: django-tenants forgets what it set when the connection closes.
TENANT_LIMIT_SET_CALLS = env_bool("TENANT_LIMIT_SET_CALLS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        # A table of the public schema (made by the security app's migrations), so that every gunicorn worker
        # and the worker share one cache without another server: allauth's limits and used TOTP codes hold
        # across processes.
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "platform_cache",
        # Keys carry the schema name so one congress never reads another's entries (allauth's excepted).
        "KEY_FUNCTION": "config.cache.make_key",
        "REVERSE_KEY_FUNCTION": "config.cache.reverse_key",
        # Django's default of 300 entries would evict live entries under load (a round of public scoring asks
        # thousands of SMS codes within minutes): past the limit, expired entries go first, and only then a
        # tenth of the rest.
        "OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 10},
    }
}

# Personal identifiers (resident ID, mobile) are encrypted at rest. FIELD_ENCRYPTION_KEYS: comma-separated Fernet
# keys, the first encrypts, all decrypt (rotation). LOOKUP_HASH_KEY: key of the exact-match hashes. Unset, both
# are derived from SECRET_KEY (development only; `check --deploy` reports it).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
# FIELD_CIPHER: "fernet" (default) or "sm4" (SM4-GCM, GB/T 32907) under FIELD_SM4_KEYS (32 hex digits each, the
# first encrypts); `manage.py rotate_field_keys` re-encrypts after a change (shared_apps/registry/crypto.py).
FIELD_CIPHER = env_str("FIELD_CIPHER", "fernet")
FIELD_SM4_KEYS = env_list("FIELD_SM4_KEYS", [])
LOOKUP_HASH_KEY = env_str("LOOKUP_HASH_KEY", "")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# The password policy (shared_apps.security.passwords): length, character classes, not like the account's name
# or e-mail, not a common password, none of the last PASSWORD_HISTORY again; staff change it every
# PASSWORD_MAX_AGE_DAYS days (0: never).
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8)
PASSWORD_MIN_CLASSES = env_int("PASSWORD_MIN_CLASSES", 3)
PASSWORD_HISTORY = env_int("PASSWORD_HISTORY", 5)
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "shared_apps.security.passwords.CharacterClassesValidator"},
    {"NAME": "shared_apps.security.passwords.PasswordHistoryValidator"},
]
# The second factor (django-allauth's MFA: TOTP and recovery codes). MFA_REQUIRED_ROLES: roles that must use one
# (comma-separated; "none" for none); default every staff and administrator role. A congress may add its
# deputies and journalists in its settings (shared_apps.security.mfa).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "人大代表服务云平台")
MFA_FORMS = {"authenticate": "shared_apps.accounts.forms.LimitedAuthenticateForm"}
_STAFF = "office_staff,handling_unit_staff,state_organ_staff,delegation_staff,congress_admin,platform_admin"
MFA_REQUIRED_ROLES = [
    role for role in env_list("MFA_REQUIRED_ROLES", f"{_STAFF},security_admin,audit_admin".split(",")) if role != "none"
]
# Sessions: signed out after SESSION_IDLE_MINUTES without a request, and SESSION_COOKIE_AGE after signing in
# whatever happens (shared_apps.security.middleware.SessionPolicyMiddleware).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_ADAPTER = "shared_apps.accounts.adapter.AccountAdapter"
ACCOUNT_ALLOW_SIGNUP = env_bool("ACCOUNT_ALLOW_SIGNUP", False)
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = SITE_SCHEME
ACCOUNT_FORMS = {"reset_password": "shared_apps.accounts.forms.LimitedResetPasswordForm"}
# Failed sign-ins and reset requests are counted by the platform's own limiter (shared_apps.security.limiter,
# a table every process shares), not by allauth's per-process cache; allauth's other limits stay.
ACCOUNT_RATE_LIMITS = {"login": False, "login_failed": False, "reset_password": False}

# The lockout of every way in (form, API token, password reset, claim links): LOCKOUT_FAILURES failures of one
# account, or LOCKOUT_ADDRESS_FAILURES from one address, within LOCKOUT_WINDOW_MINUTES lock it for
# LOCKOUT_MINUTES.
LOCKOUT_FAILURES = env_int("LOCKOUT_FAILURES", 5)
LOCKOUT_ADDRESS_FAILURES = env_int("LOCKOUT_ADDRESS_FAILURES", 30)
LOCKOUT_WINDOW_MINUTES = env_int("LOCKOUT_WINDOW_MINUTES", 15)
LOCKOUT_MINUTES = env_int("LOCKOUT_MINUTES", 15)
# Requests the same limiter allows an hour: password-reset mails per account and per address, SMS sign-in codes
# per deputy.
RESET_REQUESTS_PER_HOUR = env_int("RESET_REQUESTS_PER_HOUR", 5)
RESET_ADDRESS_REQUESTS_PER_HOUR = env_int("RESET_ADDRESS_REQUESTS_PER_HOUR", 30)
SMS_CODES_PER_HOUR = env_int("SMS_CODES_PER_HOUR", 5)
# The audit log (shared_apps.audit): rows older than AUDIT_RETENTION_DAYS (at least 180: 网络安全法 Art. 21) are
# archived to private storage and removed by the worker; AUDIT_HMAC_KEY keys the hash chain (derived from
# SECRET_KEY unless set).
AUDIT_RETENTION_DAYS = max(180, env_int("AUDIT_RETENTION_DAYS", 180))
AUDIT_HMAC_KEY = env_str("AUDIT_HMAC_KEY", "")
# API tokens (one per device) expire after this many days; signing in again gives a new one.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)
# The first answer to an API write's Idempotency-Key (and to a web form's one-time token) is kept this many hours:
# a retry within it gets that answer, not a second write (shared_apps.idempotency).
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
SMS_BACKEND = env_str("SMS_BACKEND", "shared_apps.accounts.sms.ConsoleSmsSender")
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(BASE_DIR / ".local" / "sms"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"noreply@{ROOT_DOMAIN}")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: anonymous callers then get 401 with a WWW-Authenticate header, not a bare 403.
        "shared_apps.security.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    # JSON bounded in depth and without NUL characters (tenants/parsers.py); forms and uploads as DRF's own.
    "DEFAULT_PARSER_CLASSES": [
        "tenants.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Congress Cloud API",
    "DESCRIPTION": "人大代表服务云平台 REST API. The root domain serves the platform API; "
    "each congress host serves its own.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the platform's own static files (drf-spectacular-sidecar), never from a public CDN:
    # government intranets often reach no internet at all.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MembershipRoleEnum": "shared_apps.memberships.models.Role.choices",
        "CalendarDayKindEnum": "shared_apps.workdays.models.DayKind.choices",
        "CongressTierEnum": "tenants.models.Tier.choices",
        "SeatTierEnum": "shared_apps.registry.models.SeatTier.choices",
        "DutyActivityStatusEnum": "tenant_apps.duty.models.ActivityStatus.choices",
        "DutyInvitationStatusEnum": "tenant_apps.duty.models.InvitationStatus.choices",
        "DutyEntryStatusEnum": "tenant_apps.duty.models.EntryStatus.choices",
        "DutyOpinionKindEnum": "tenant_apps.duty.models.OpinionKind.choices",
        "DutyEntryKindEnum": "tenant_apps.duty.entries.ENTRY_KINDS",
        "ShowcaseStoryStatusEnum": "tenant_apps.showcase.models.StoryStatus.choices",
        "ReportsRoundStatusEnum": "tenant_apps.reports.models.RoundStatus.choices",
        "ReportsReportStatusEnum": "tenant_apps.reports.models.ReportStatus.choices",
        "ReportsScoreStatusEnum": "tenant_apps.reports.models.ScoreStatus.choices",
        "ReportsCommentStatusEnum": "tenant_apps.reports.models.CommentStatus.choices",
        "ReportsRatingEnum": "tenant_apps.reports.models.Rating.choices",
    },
    # Every operation documents the platform's error answers (config/openapi.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.add_error_responses",
    ],
}

PROCRASTINATE_IMPORT_PATHS = ["tenants.tasks"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [PLATFORM_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Files that must never be served by the web server (uploaded rosters awaiting commit).
PRIVATE_STORAGE_ROOT = Path(env_str("PRIVATE_STORAGE_ROOT", str(BASE_DIR / ".local" / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT, "base_url": "/private-not-served/"},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "procrastinate": {"level": "WARNING"},
        # The pool warns at each failed reconnection attempt and each connection it replaces; an outage is told
        # once instead: by the 503 handler (config.errors, Sentry once a minute) and by the worker (tenants.worker).
        "psycopg.pool": {"level": "ERROR"},
    },
}

SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    from config.sentry import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
