"""Programs whose output is their input in another form: decoders, decompressors, decryptors.

Text they print into a shell hides what runs from review (`base64 -d p | sh`: rule
shell.decoded-payload-executed, `$decoders`), and a file they wrote that runs later — its content
unknown to adr when the run comes (`base64 -d p.b64 > p.sh` in one call, `bash p.sh` in the next) — is
that decoded data run (adr/daemon/crosscall.py). One list for both.
"""
from __future__ import annotations

# encodings and compressions (the rule packs' `$decoders`)
DECODERS = frozenset({
    "base64", "base32", "basenc", "b64decode", "xxd", "openssl", "rev", "uudecode",
    "gzip", "gunzip", "zcat", "bzip2", "bunzip2", "bzcat", "xz", "unxz", "xzcat",
    "zstd", "unzstd", "zstdcat", "lzma", "unlzma", "lzcat", "lz4", "unlz4", "lz4cat", "brotli", "uncompress",
})
# … and decryption, whose output is as unknown (a shell fed it still asks: shell.piped-dynamic)
DECRYPTORS = frozenset({"gpg", "gpg2", "age", "sops", "ccrypt", "mcrypt", "scrypt"})

LISTS = {"decoders": sorted(DECODERS)}  # handed to every pack load (adr.engine.rules.load_packs)
# the writer of a file that interpreter code decoded into it (`python3 -c '…b64decode…'`: adr/daemon/memory.py)
DECODING_CODE = "code that decodes"


def decoded_by(writer: str) -> bool:
    """Did this writer (Written.writer) make the file by decoding, decompressing or decrypting data?"""
    return writer in DECODERS or writer in DECRYPTORS or writer == DECODING_CODE
