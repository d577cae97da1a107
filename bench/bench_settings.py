"""Settings for bench/map_layers.py: the product's settings with a trivial baseline view added."""

from jingmin.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
AXES_ENABLED = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
