"""Integration Radar: the web service around the ``scoring`` library."""
