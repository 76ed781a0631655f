"""`python -m simulators.compiled.build`: compile HOT_MODULES with mypyc into `.build/compiled`.

The build goes to a new folder that replaces the old one whole once it is complete, so a
process never finds half a build (nor one it has loaded overwritten). `--optional` turns a
failed build (no C compiler, say) into a warning: the simulators then run interpreted.
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from simulators.compiled import BUILD_DIR, EXTENSION, HOT_MODULES, ROOT, Build
from simulators.compiled.sources import source_digests

# mypy reads these for the types of what the hot modules call; their own types do not speed up
# the compiled code (calls into them go through the C API either way) and analysing polars
# alone takes a minute: they are read as Any.
UNTYPED_FOR_SPEED = ("polars", "pyarrow", "pydantic", "pydantic_core", "yaml")
# -O1: -O3 ran the co-simulation 5-8% faster (within the machine's noise) for 1.6x the build time.
OPT_LEVEL = "1"


def mypy_config(folder: Path) -> Path:
    config = folder / "mypyc.ini"
    skipped = ",".join(f"{name}.*" for name in UNTYPED_FOR_SPEED)
    config.write_text(
        f"[mypy]\n[mypy-{skipped}]\nfollow_imports = skip\nfollow_imports_for_stubs = True\n",
        encoding="utf-8",
    )
    return config


def compile_into(folder: Path, work: Path) -> Build:
    """Compile HOT_MODULES into `folder` (C and objects under `work`); its manifest."""
    work.mkdir(parents=True)
    from mypyc.build import mypycify
    from setuptools import setup

    sources = source_digests(ROOT)  # before compiling: an edit during the build shows as stale
    paths = [str(ROOT / (name.replace(".", "/") + ".py")) for name in HOT_MODULES]
    extensions = mypycify(
        ["--config-file", str(mypy_config(work)), *paths],
        opt_level=OPT_LEVEL,
        target_dir=str(work / "c"),
    )
    setup(
        name="riskproof-compiled-core",
        ext_modules=extensions,
        packages=[],  # the extensions only: no discovery of the repository's packages
        py_modules=[],
        script_args=["--quiet", "build_ext", "--build-lib", str(folder)]
        + ["--build-temp", str(work / "objects")],
    )
    built = sorted(
        path.relative_to(folder).as_posix().removesuffix(EXTENSION).replace("/", ".")
        for path in folder.rglob("*" + EXTENSION)
    )
    missing = sorted(set(HOT_MODULES) - set(built))
    if missing:
        raise RuntimeError(f"mypyc built no extension for {', '.join(missing)}")
    return Build(EXTENSION, tuple(built), sources)


def build(target: Path = BUILD_DIR) -> Build:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="compiled-", dir=target.parent))
    try:
        # away from the repository: setuptools would read its pyproject.toml as its own
        os.chdir(staging)
        result = compile_into(staging / "lib", staging / "work")
        result.write(staging / "lib")
        retired = target.with_name(target.name + ".old")
        shutil.rmtree(retired, ignore_errors=True)
        if target.exists():
            target.rename(retired)
        (staging / "lib").rename(target)
        shutil.rmtree(retired, ignore_errors=True)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optional", action="store_true", help="warn on failure, exit 0")
    args = parser.parse_args(argv)
    try:
        build()
    except (Exception, SystemExit) as error:  # setuptools exits on a failed gcc
        if not args.optional:
            raise
        print(f"compiled core not built ({error}): the simulators run interpreted", file=sys.stderr)
        return 0
    print(f"compiled core: {len(HOT_MODULES)} modules in {BUILD_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
