"""How the ground floor finds what the apps contribute, without importing any app by name.

Each project app may have modules with agreed names: ``panels`` (sections of the home page and
the counter dashboard), ``roles`` (the permissions each role holds on its models),
``maintenance`` (tasks of the daily job) and a ``load_demo_<app>`` command (its demo data).
They are found here, in INSTALLED_APPS order, so adding an app needs no change in kyodo_center.
The demo command is the one that is required: ``load_demo`` refuses to run while a project app
lacks it (an app with no demo data has one that only says so), and runs a command after the
apps it names in its ``demo_after`` attribute (see ``load_demo.demo_commands``).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from django.apps import AppConfig, apps
from django.conf import settings
from django.utils.module_loading import import_module, module_has_submodule


def project_apps() -> list[AppConfig]:
    """The apps of this project (not Django's nor a library's), in INSTALLED_APPS order: the
    top-level folders of the checkout. Not "anything under the checkout": the virtualenv of
    ``make`` (``.venv/``) is there too, with Django's and the libraries' apps inside."""
    base = Path(settings.BASE_DIR).resolve()
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == base and config.name != "kyodo_center"
    ]


def app_modules(name: str) -> list[ModuleType]:
    """Each project app's ``<app>.<name>`` module, where it has one."""
    return [
        import_module(f"{config.name}.{name}")
        for config in project_apps()
        if module_has_submodule(config.module, name)
    ]
