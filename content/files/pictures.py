"""Pictures from content files: `pictures/<slug>.<language>.<svg|png|jpg|webp>` beside the
procedures. The source language's file is required; another language's file is that language's
labelled version. Loaded before the procedures that show them; a picture already in the database
is left as staff left it unless `update` is given."""

import re
from pathlib import Path

from content import languages
from content.editing.pictures import SLUG_PATTERN, Picture, PictureRefused, store_upload

SUFFIXES = {".svg", ".png", ".jpg", ".jpeg", ".webp"}


class PictureFileError(ValueError):
    pass


def read_picture_folder(folder):
    """{slug: {language: path}} for the files in folder; raises PictureFileError naming a bad one."""
    found = {}
    for path in sorted(Path(folder).iterdir()) if Path(folder).is_dir() else []:
        if path.suffix.lower() not in SUFFIXES:
            continue
        slug, _dot, language = path.stem.rpartition(".")
        if language not in languages.CODES or not re.fullmatch(SLUG_PATTERN, slug):
            raise PictureFileError(f"{path}: name it <slug>.<language>{path.suffix}, the slug in "
                                   f"lower-case ASCII, the language one of {', '.join(languages.CODES)}")
        found.setdefault(slug, {})[language] = path
    for slug, files in found.items():
        if languages.SOURCE not in files:
            raise PictureFileError(f"{folder}: picture {slug} has no {languages.SOURCE} file")
    return found


def load_pictures(found, update=False):
    """Store the pictures read by read_picture_folder; a list of 'slug: created|updated|kept'."""
    outcomes = []
    for slug, files in found.items():
        picture = Picture.objects.filter(slug=slug).first()
        if picture and not update:
            outcomes.append(f"picture {slug}: kept")
            continue
        try:
            stored = {language: store_upload(path.read_bytes()) for language, path in files.items()}
        except PictureRefused as error:
            raise PictureFileError(f"{files[languages.SOURCE].parent}/{slug}: {error}") from None
        translation = stored.get(languages.TRANSLATION)
        outcome = "updated" if picture else "created"
        picture = picture or Picture(slug=slug)
        picture.source_file, picture.translation_file = stored[languages.SOURCE], translation
        picture.save()
        outcomes.append(f"picture {slug}: {outcome}")
    return outcomes
