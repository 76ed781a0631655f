"""A deterministic .tar.gz, and the guard that keeps secrets from the environment out of it."""

import gzip
import io
import re
import tarfile
from collections.abc import Mapping

# Environment variables whose values are credentials (COINGECKO_API_KEY, COINGECKO_DEMO_API_KEY,
# RISKPROOF_EXCHANGE_API_KEY, RISKPROOF_EXCHANGE_SECRET, and any other such name).
SECRET_NAME = re.compile(r"API_?KEY|SECRET|TOKEN|PASSWORD|PASSPHRASE|PRIVATE_?KEY", re.IGNORECASE)
# Shorter values are no credential and would match by chance ("1", "true").
MIN_SECRET_LENGTH = 8
# Fixed metadata, so the same members give the same bytes on any machine at any time.
MTIME = 0
MODE = 0o644


class SecretInBundle(ValueError):
    pass


def secrets_in(members: Mapping[str, bytes], environ: Mapping[str, str]) -> list[str]:
    """`member: VARIABLE` for each credential from the environment found in a member (names
    only: the message must not leak what it guards)."""
    secrets = {
        name: value.encode("utf-8")
        for name, value in environ.items()
        if SECRET_NAME.search(name) and len(value.strip()) >= MIN_SECRET_LENGTH
    }
    return [
        f"{member}: {name}"
        for member, content in sorted(members.items())
        for name, secret in sorted(secrets.items())
        if secret in content
    ]


def tar_gz(members: Mapping[str, bytes], environ: Mapping[str, str]) -> bytes:
    """Members in name order, with fixed owner, mode and time, in a gzip stream without a name
    or a time; SecretInBundle if any member holds a credential from `environ`."""
    found = secrets_in(members, environ)
    if found:
        raise SecretInBundle(
            "refusing to write evidence holding a credential from the environment: "
            + "; ".join(found)
        )
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(members):
            content = members[name]
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(content), MTIME, MODE
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(content))
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=MTIME) as stream:
        stream.write(tar_bytes.getvalue())
    return packed.getvalue()
