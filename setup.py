"""Put the default templates and the example project into the wheel as handouts/_data/templates and _data/examples.

The package lives in generator/handouts/, but a folder of data outside the package can only be mapped as a
namespace package, which it warns about for every sub-folder. Copying it in `build_py` keeps the repository's
layout and gives a clean build; an editable install reads the folders in place (generator/handouts/resources.py
finds them either way).
"""

import shutil
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


setup(cmdclass={"build_py": BuildPyWithData})
