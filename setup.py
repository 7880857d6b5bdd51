"""Put the default templates into the wheel as handouts/_data/templates.

setuptools can map a package to a folder (generator/ becomes `handouts`), but a folder of data outside the
package can only be mapped as a namespace package, which it warns about for every sub-folder. Copying it in
`build_py` keeps the repository's layout and gives a clean build; an editable install reads the folder in place.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_FOLDERS = ("templates",)


class BuildPyWithData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "handouts" / "_data"
        for name in DATA_FOLDERS:
            shutil.copytree(name, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithData})
