"""Taking pictures in safely: the pure intake (``intake.py``: decode, check, re-encode with no
metadata), the form field that uses it (``fields.py``) and the response that serves a stored
picture to staff (``serving.py``). Foundation layer: it imports no other app, so any app that
accepts pictures (aftercare check-ins, the clinical photo series) can use it."""
