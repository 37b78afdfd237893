"""The provincial portal network: a static-site publishing pipeline on Pelican."""

__version__ = "0.1.0"
