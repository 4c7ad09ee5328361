"""The signature of a backup: an HMAC of its manifest, with a key of the installation.

The manifest holds the size and sha256 of `data.json` and of every media file, so a signature
of it vouches for the whole backup. A checksum can be recomputed by whoever edits the file; a
signature only by whoever holds the key. The key is the BACKUP_KEY setting when it is set,
else SECRET_KEY (or one of SECRET_KEY_FALLBACKS, so that rotating it keeps older backups
restorable): installations that restore each other's backups set the same BACKUP_KEY.
"""

import hmac
import json

from django.conf import settings
from django.utils.crypto import salted_hmac

ALGORITHM = "hmac-sha256"
# Whatever else SECRET_KEY signs, its backup signatures are made with a key of their own.
SALT = "sopdesk.backups.signing"


def sign(manifest: bytes) -> bytes:
    """The content of `signature.json` for the manifest's exact bytes."""
    key = _keys()[0]
    signature = {"algorithm": ALGORITHM, "key": key_id(key), "mac": _mac(manifest, key)}
    return json.dumps(signature).encode()


def problem(manifest: bytes, signature: bytes | None) -> str | None:
    """Why `signature` does not vouch for `manifest` with a key of this installation, if so."""
    if signature is None:
        return "这个备份没有签名：它是加上签名之前的 SOPDesk 写出的，或者签名被人去掉了。"
    try:
        fields = json.loads(signature)
        theirs, mac = fields["key"], fields["mac"]
        readable = fields["algorithm"] == ALGORITHM and isinstance(mac, str)
    except (ValueError, TypeError, KeyError):
        readable = False
    if not readable:
        return "这个备份的签名（signature.json）无法识别。"
    for key in _keys():
        if key_id(key) == theirs:
            if hmac.compare_digest(mac, _mac(manifest, key)):
                return None
            return "manifest.json 与签名不符：备份文件在写出后被改动过。"
    return (
        f"这个备份是用另一个密钥签名的（密钥标识 {theirs}，本机是 {key_id(_keys()[0])}）："
        "它来自另一台 SOPDesk，或者被人改过后重新签了名。"
        "要在几台机器之间恢复备份，请在它们上设置相同的 BACKUP_KEY，再重新备份。"
    )


def key_id(key: str | bytes) -> str:
    """Names a key in a signature without revealing it: tells another key from a changed file."""
    return salted_hmac(f"{SALT}.key-id", b"", secret=key, algorithm="sha256").hexdigest()[:16]


def _mac(manifest: bytes, key: str | bytes) -> str:
    return salted_hmac(SALT, manifest, secret=key, algorithm="sha256").hexdigest()


def _keys() -> list[str | bytes]:
    """The key that signs, then those that still verify."""
    if settings.BACKUP_KEY:
        return [settings.BACKUP_KEY]
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
