"""Staff editing: English and Arabic side by side in tabs, each role changing only its own part,
every save recorded as a revision, and publishing left to clinical reviewers.

Django's admin imports this package at start-up (autodiscover); importing each model admin's
module here is what registers it.
"""

from content.admin import clinic, glossary, pictures, procedure, users  # noqa: F401  (each registers its admin)
