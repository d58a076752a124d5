"""edgelb provider driver and provider agent for OpenStack Octavia."""
__version__ = '0.1.0'
