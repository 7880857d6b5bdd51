"""Put the default templates, the example project and the documentation into the wheel, under handouts/_data/.

The package lives in generator/handouts/, but a folder of data outside the package can only be mapped as a namespace
package, which it warns about for every sub-folder. Copying it in `build_py` keeps the repository's layout and gives
a clean build; an editable install reads the folders in place (generator/handouts/files/resources.py finds them
either way). The documentation is built here from docs/ with Sphinx, warnings as errors, so a wheel always carries
the pages of its own version and `handouts docs` opens them with no network (build_support/backend.py asks for
Sphinx when a wheel is built).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_FOLDERS = ("templates", "examples")
# Never shipped: a build of the example made in a checkout, and caches (scaffold.NOT_COPIED says the same).
IGNORED = shutil.ignore_patterns("output", "__pycache__", "*.pyc")


class BuildPyWithData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "handouts" / "_data"
        for name in DATA_FOLDERS:
            # build/ outlives a build: start afresh, so a file deleted from the repository leaves the wheel too.
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(name, target / name, ignore=IGNORED)
        build_docs(target / "docs")


def build_docs(target: Path) -> None:
    """Build the HTML documentation from docs/ into `target`; any Sphinx warning fails the build."""
    shutil.rmtree(target, ignore_errors=True)
    doctrees = Path("build") / "doctrees"
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", "-E"]
    command += ["-d", str(doctrees), "docs", str(target)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "0")}
    subprocess.run(command, check=True, env=env)
    # What only Sphinx itself reads again: the build's record of its inputs.
    (target / ".buildinfo").unlink(missing_ok=True)
    shutil.rmtree(target / ".doctrees", ignore_errors=True)


setup(cmdclass={"build_py": BuildPyWithData})
