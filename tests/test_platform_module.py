"""platform/ holds the Django project but must never become a package: `import platform` is the stdlib's."""

import platform
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_platform_is_the_standard_library():
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert Path(platform.__file__).resolve().parent == stdlib
    assert platform.python_version()  # the function uuid and Django rely on


def test_platform_folder_has_no_init():
    assert not (ROOT / "platform" / "__init__.py").exists()
    assert (ROOT / "platform" / "config" / "settings.py").exists()
