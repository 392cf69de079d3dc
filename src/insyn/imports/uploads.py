"""Uploaded import files, encrypted from the first byte.

The import page installs `EncryptingUploadHandler` for its own request: each chunk the
browser sends is encrypted (Fernet, a key derived from the server secret) as it arrives and
appended to an anonymous temporary file, so a 50 MB upload is never in memory whole and never
on disk in clear (Django's default handler spools uploads over 2.5 MB to a plain temporary
file). `store_file` then copies those tokens, unchanged, into `ImportChunk` rows.
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from insyn.imports.models import ImportBatch, ImportChunk, ImportFile

CHUNK_BYTES = 1024 * 1024  # plaintext per chunk (a multiple of 4, as upload handlers need)


def fernet() -> Fernet:
    digest = hashlib.sha256(b"insyn-import-files:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class EncryptedUploadedFile(UploadedFile):
    """An upload kept as a sequence of Fernet tokens in an anonymous temporary file."""

    def __init__(
        self, name: str, content_type: str | None, charset: str | None, key: Fernet
    ) -> None:
        # Closed with the upload (Django closes request files at the end of the request).
        self.store = tempfile.TemporaryFile()  # noqa: SIM115
        super().__init__(self.store, name, content_type, 0, charset)
        self.key = key
        self.lengths: list[int] = []

    def add(self, data: bytes) -> None:
        token = self.key.encrypt(data)
        self.store.write(token)
        self.lengths.append(len(token))
        self.size = (self.size or 0) + len(data)

    def tokens(self) -> Iterator[bytes]:
        self.store.seek(0)
        for length in self.lengths:
            yield self.store.read(length)

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        for token in self.tokens():
            yield self.key.decrypt(token)


class EncryptingUploadHandler(FileUploadHandler):
    chunk_size = CHUNK_BYTES

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.key = fernet()
        self.current: EncryptedUploadedFile | None = None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.current = EncryptedUploadedFile(
            self.file_name or "", self.content_type, self.charset, self.key
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        assert self.current is not None
        self.current.add(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        return self.current


def _tokens(upload: UploadedFile, key: Fernet) -> Iterable[bytes]:
    if isinstance(upload, EncryptedUploadedFile):
        return upload.tokens()
    return (key.encrypt(piece) for piece in upload.chunks(CHUNK_BYTES))


def store_file(batch: ImportBatch, upload: UploadedFile) -> ImportFile:
    """Keep one upload, chunk by chunk, encrypted."""
    key = fernet()
    stored = ImportFile.objects.create(
        batch=batch, name=(upload.name or "")[:200], size=upload.size or 0
    )
    for index, token in enumerate(_tokens(upload, key)):
        ImportChunk.objects.create(file=stored, index=index, content=token)
    return stored


def read_files(batch: ImportBatch) -> list[tuple[str, bytes]]:
    """The batch's files in clear, in upload order (for the check and the apply)."""
    key = fernet()
    files = []
    for stored in batch.files.order_by("pk"):
        pieces = stored.chunks.order_by("index").values_list("content", flat=True)
        files.append((stored.name, b"".join(key.decrypt(bytes(c)) for c in pieces.iterator())))
    return files
