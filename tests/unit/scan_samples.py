"""Leak scanner test samples, all built at run time: nothing secret-looking is in this file."""

from __future__ import annotations

import base64
import json
import random
import string

ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"


def rand(rng: random.Random, size: int, alphabet: str = ALNUM) -> str:
    """`size` random characters of `alphabet`, always mixing at least two character classes."""
    while True:
        text = "".join(rng.choice(alphabet) for _ in range(size))
        if sum(any(c in group for c in text) for group in _CLASSES) >= min(2, len(_used(alphabet))):
            return text


_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, "+/-_")


def _used(alphabet: str) -> list[str]:
    return [group for group in _CLASSES if any(c in group for c in alphabet)]


def pem(rng: random.Random, kind: str = "RSA ", lines: int = 12, sep: str = "\n") -> str:
    """A PEM private key block with a random base64 body."""
    body = sep.join(rand(rng, 64, B64) for _ in range(lines))
    begin = "-----" + "BEGIN " + kind + "PRIVATE KEY-----"
    end = "-----" + "END " + kind + "PRIVATE KEY-----"
    return begin + sep + body + sep + end


def jwt(rng: random.Random) -> str:
    """A signed-looking JSON Web Token."""

    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    header = part({"alg": "HS256", "typ": "JWT"})
    payload = part({"sub": rand(rng, 10), "iat": rng.randrange(10**9, 2 * 10**9)})
    return f"{header}.{payload}.{rand(rng, 43, B64URL)}"


def true_positives(rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    """rule id -> (line of text, the secret it holds) pairs that must be found."""
    aws_secret = rand(rng, 40, B64)
    while not (any(c.isdigit() for c in aws_secret) and any(c.isupper() for c in aws_secret)):
        aws_secret = rand(rng, 40, B64)
    return {
        "aws-access-key-id": [_line("id = {}", "AKIA" + rand(rng, 16, UPPER_DIGITS))],
        "aws-secret-access-key": [
            _line("aws_secret_access_key = {}", aws_secret),
            _line('"SecretAccessKey": "{}",', aws_secret[::-1]),
        ],
        "github-token": [
            _line('token: "{}"', "ghp_" + rand(rng, 36)),
            _line("GH={}", "gho_" + rand(rng, 36)),
            _line("pat {}", "github_pat_" + rand(rng, 22) + "_" + rand(rng, 59)),
        ],
        "gitlab-token": [_line("GITLAB={}", "glpat-" + rand(rng, 20, B64URL))],
        "slack-token": [
            _line("slack {}", "xoxb-" + rand(rng, 12, string.digits) + "-" + rand(rng, 24))
        ],
        "slack-webhook": [
            _line(
                "url = https://{}",
                "hooks.slack.com/services/T"
                + rand(rng, 8, UPPER_DIGITS)
                + "/B"
                + rand(rng, 8, UPPER_DIGITS)
                + "/"
                + rand(rng, 24),
            )
        ],
        "stripe-live-key": [
            _line("stripe.api_key = '{}'", "sk_" + "live_" + rand(rng, 24)),
            _line("{}", "rk_" + "live_" + rand(rng, 32)),
        ],
        "stripe-webhook-secret": [_line("WEBHOOK={}", "whsec_" + rand(rng, 32))],
        "anthropic-api-key": [_line("key={}", "sk-" + "ant-api03-" + rand(rng, 93, B64URL) + "AA")],
        "openai-api-key": [
            _line("OPENAI={}", "sk-" + "proj-" + rand(rng, 48, B64URL)),
            _line("openai {}", "sk-" + rand(rng, 48)),
        ],
        "google-api-key": [_line("maps: {}", "AIza" + rand(rng, 35, B64URL))],
        "twilio-api-key": [_line("sid {}", "SK" + rand(rng, 32, HEX))],
        "twilio-account-sid": [_line("TWILIO_ACCOUNT={}", "AC" + rand(rng, 32, HEX))],
        "sendgrid-api-key": [
            _line("mail {}", "SG." + rand(rng, 22, B64URL) + "." + rand(rng, 43, B64URL))
        ],
        "npm-token": [_line("//registry.npmjs.org/:_authToken={}", "npm_" + rand(rng, 36))],
        "pypi-token": [_line("password = {}", "pypi-" + "AgEIcHlwaS5vcmc" + rand(rng, 70, B64URL))],
        "vault-token": [
            _line("token {}", "hvs." + rand(rng, 90, B64URL)),
            _line("VAULT_TOKEN={}", "s." + rand(rng, 24)),
        ],
        "private-key": [
            _line("{}", pem(rng)),
            _line("{}", pem(rng, "OPENSSH ")),
            _line('"private_key": "{}\\n",', pem(rng, "", 10, "\\n")),
        ],
        "jwt": [_line("Authorization: Bearer {}", jwt(rng))],
        "generic-secret": [
            _line('password = "{}"', rand(rng, 20)),
            _line("SECRET_KEY: {}", rand(rng, 50, B64URL)),
            _line('{{"api_key": "{}"}}', rand(rng, 32, HEX)),
            _line("token = {}", rand(rng, 24)),
            _line("DB_PASSWORD={}", rand(rng, 16, ALNUM + "!#%+")),
        ],
    }


def false_positives(rng: random.Random) -> dict[str, list[str]]:
    """rule id -> lines that look like the rule's secrets but must not be found at all."""
    return {
        "aws-access-key-id": [
            "id = " + "AKIA" + "IOSFODNN7" + "EXAMPLE",
            "id = " + "AKIA" + "0" * 16,
            "blob " + rand(rng, 8) + "AKIA" + rand(rng, 16, UPPER_DIGITS),
        ],
        "aws-secret-access-key": [
            "aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",
            "aws_region = us-east-1",
        ],
        "github-token": [
            "token: " + "ghp_" + "x" * 36,
            "short " + "ghp_" + rand(rng, 20),
            "glued " + "ghp_" + rand(rng, 40),
        ],
        "gitlab-token": ["GITLAB=" + "glpat-" + "your-token-here-xxxxx"],
        "slack-token": ["slack " + "xoxb-" + "..."],
        "slack-webhook": ["https://" + "hooks.slack.com/services/" + "T000/B000/XXXX"],
        "stripe-live-key": ["key = " + "sk_" + "test_" + rand(rng, 24), "sk_" + "live_" + "0" * 24],
        "stripe-webhook-secret": ["whsec_" + "..."],
        "anthropic-api-key": ["key=" + "sk-" + "ant-" + "..."],
        "openai-api-key": [
            "mask-" + rand(rng, 40),
            "sk-" + "abcdefghijklmnopqrstuvwxyz012345",
            "OPENAI_API_KEY=" + "sk-" + "<your-key>",
        ],
        "google-api-key": ["maps: " + "AIza" + "X" * 35],
        "twilio-api-key": ["sid " + "SK" + "0" * 32, "TASK" + rand(rng, 32, HEX)],
        "twilio-account-sid": ["account " + "AC" + rand(rng, 32, HEX)],
        "sendgrid-api-key": ["SG." + "xxx.yyy"],
        "npm-token": ["npm_" + "config_registry=https://registry.npmjs.org"],
        "pypi-token": ["pypi-" + "AgEIcHlwaS5vcmc" + "..."],
        "vault-token": ["version s." + rand(rng, 24), "hvs." + "REPLACE_ME"],
        "private-key": [
            "-----" + "BEGIN RSA PRIVATE KEY-----\n...\n-----" + "END RSA PRIVATE KEY-----",
            "-----" + "BEGIN PUBLIC KEY-----\n" + rand(rng, 64, B64) + "\n-----END PUBLIC KEY-----",
        ],
        "jwt": ["eyJ" + "hbGciOi.eyJ" + "zdWIi.sig"],
        "generic-secret": [
            'password = "changeme"',
            "SECRET_KEY=change-me-in-production",
            "password: ${DB_PASSWORD}",
            "password: $DB_PASSWORD",
            'password = "{{ vault_db_password }}"',
            'api_key = "<your-api-key>"',
            'token = os.environ["API_TOKEN"]',
            "password = get_password_from_vault(name)",
            "password = self.settings.database_password",
            "password_min_length = 12",
            "token_url = https://auth.internal.test/oauth2/token",
            "secret: your_secret_here",
            'api_key = "' + "x" * 24 + '"',
            'password = "' + "a" * 18 + '"',
            'password = "..."',
            "secretName: my-app-tls-secret",
            "password = hash_password_with_salt",
            "max_tokens: 4096",
            '"js-tokens": "^4.0.0",',
            "PASSWORD_FILE=/run/secrets/db_password",
        ],
    }


def _line(template: str, secret: str) -> tuple[str, str]:
    return template.format(secret), secret
