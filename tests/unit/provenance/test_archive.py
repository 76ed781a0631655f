"""The evidence archive: same members, same bytes; no credential from the environment in it."""

import io
import tarfile

import pytest

from pipelines.provenance.archive import SecretInBundle, secrets_in, tar_gz

MEMBERS = {"e/b.txt": b"second\n", "e/a.txt": b"first\n", "e/sub/c.csv": b"x,y\n1,cafe-babe-42\n"}


def test_same_members_give_the_same_bytes_whatever_their_order() -> None:
    reordered = dict(reversed(list(MEMBERS.items())))
    assert tar_gz(MEMBERS, {}) == tar_gz(reordered, {})
    assert tar_gz(MEMBERS, {}) != tar_gz(MEMBERS | {"e/a.txt": b"First\n"}, {})


def test_members_are_sorted_with_fixed_owner_mode_and_time() -> None:
    with tarfile.open(fileobj=io.BytesIO(tar_gz(MEMBERS, {})), mode="r:gz") as tar:
        infos = tar.getmembers()
        assert [i.name for i in infos] == sorted(MEMBERS)
        assert {(i.mtime, i.mode, i.uid, i.gid, i.uname, i.gname) for i in infos} == {
            (0, 0o644, 0, 0, "", "")
        }
        assert tar.extractfile("e/sub/c.csv").read() == MEMBERS["e/sub/c.csv"]  # type: ignore[union-attr]


def test_a_credential_in_a_member_is_named_never_shown() -> None:
    environ = {
        "COINGECKO_API_KEY": "second",  # too short to be a credential: ignored
        "RISKPROOF_EXCHANGE_SECRET": "cafe-babe-42",
        "MY_SERVICE_TOKEN": "no-member-holds-this",
        "HOME": "first\n",  # not a credential's name
    }
    assert secrets_in(MEMBERS, environ) == ["e/sub/c.csv: RISKPROOF_EXCHANGE_SECRET"]
    with pytest.raises(SecretInBundle) as raised:
        tar_gz(MEMBERS, environ)
    assert "RISKPROOF_EXCHANGE_SECRET" in str(raised.value)
    assert "cafe-babe-42" not in str(raised.value)
