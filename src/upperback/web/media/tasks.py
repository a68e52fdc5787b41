"""Background analysis of an upload, run by `manage.py db_worker` (django-tasks).

A bad file fails its own upload with the vision package's message; the worker goes on."""

from __future__ import annotations

from django_tasks import task

from upperback.vision.errors import VisionError

from . import actions, storage
from .analysis import analyse_photo_file, analyse_video_file
from .models import Kind, MediaUpload


@task()
def analyse_upload(upload_id: int) -> str:
    if not actions.claim(upload_id):
        return "already taken"
    upload = MediaUpload.objects.get(pk=upload_id)
    path = storage.absolute(upload.stored_name)
    out = storage.picture_dir(upload.pk)
    try:
        if upload.kind == Kind.PHOTO:
            result, pictures = analyse_photo_file(path, upload.view, upload.points, out)
        else:
            result, pictures = analyse_video_file(path, upload.exercise_id, upload.view, out)
    except VisionError as error:
        actions.fail(upload, error=str(error))
        return "failed"
    actions.finish(
        upload, result=result, pictures={k: storage.relative(v) for k, v in pictures.items()}
    )
    return "done"
