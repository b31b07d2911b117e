"""IBM Quantum access: the runtime package, the service, backends by name, and secrets.

:func:`get_backend` turns a name into a ``BackendV2``: ``"fake_torino"`` (or ``"FakeTorino"``)
gives the ``qiskit_ibm_runtime.fake_provider`` model (local testing mode, no account), ``"aer"``
an ideal ``AerSimulator``, any other name a backend of the IBM service opened by
:func:`open_service` (a saved account, or the ``QISKIT_IBM_TOKEN`` / ``QISKIT_IBM_INSTANCE`` /
``QISKIT_IBM_CHANNEL`` environment variables, which qiskit-ibm-runtime reads itself).

Errors are one line: ``ValueError`` for bad input (unknown backend, rejected settings) and
:class:`HardwareAccessError` (a ``RuntimeError``) for a missing runtime package or account, a
rejected token, no network or a failed job. :func:`scrub` removes the token (and anything that
looks like an API key) from every message, so no message, log line or journal file carries it.
"""

from __future__ import annotations

import os
import re

__all__ = [
    "TOKEN_ENV",
    "HardwareAccessError",
    "scrub",
    "one_line",
    "require_runtime",
    "is_local",
    "open_service",
    "get_backend",
]

#: Environment variable holding an IBM Quantum API key (read by qiskit-ibm-runtime itself;
#: ``QISKIT_IBM_INSTANCE`` and ``QISKIT_IBM_CHANNEL`` go with it).
TOKEN_ENV = "QISKIT_IBM_TOKEN"


class HardwareAccessError(RuntimeError):
    """No account, a rejected token, no network, or a job the service could not run."""


# ---------------------------------------------------------------------------------------------
# secrets
# ---------------------------------------------------------------------------------------------
_EXTRA_SECRETS: set[str] = set()
# API keys are long opaque strings; job ids (20 chars) and CRNs (with ':') stay readable.
_KEYLIKE = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{40,}(?![A-Za-z0-9_\-])")


def scrub(text: str) -> str:
    """``text`` with the token of :data:`TOKEN_ENV` (and any token qdn was given) and any
    API-key-like string (40+ characters of ``[A-Za-z0-9_-]``) replaced by ``***``."""
    text = str(text)
    secrets = {s for s in (_EXTRA_SECRETS | {os.environ.get(TOKEN_ENV, "")}) if s and len(s) >= 4}
    for s in sorted(secrets, key=len, reverse=True):
        text = text.replace(s, "***")
    return _KEYLIKE.sub("***", text)


def one_line(exc: BaseException | str) -> str:
    """The message of ``exc`` (its type name when empty) on one line, secrets removed (:func:`scrub`)."""
    msg = str(exc) if not isinstance(exc, BaseException) else (str(exc) or type(exc).__name__)
    return scrub(" ".join(msg.split()))


def require_runtime() -> None:
    """Raise a one-line :class:`HardwareAccessError` unless qiskit-ibm-runtime with the
    client-side Sampler (``qiskit_ibm_runtime.executor_sampler``, 0.50 and later) is installed."""
    try:
        import qiskit_ibm_runtime.executor_sampler  # noqa: F401
    except ImportError as exc:
        raise HardwareAccessError(
            "qdn's IBM Quantum support needs qiskit-ibm-runtime with the client-side Sampler (0.50 or later) "
            f"({one_line(exc)}); install it with: pip install -U 'qdn[ibm]'"
        ) from None


# ---------------------------------------------------------------------------------------------
# backends and the service
# ---------------------------------------------------------------------------------------------
def _fake_backend_class(name: str) -> type | None:
    """The ``fake_provider`` class whose backend name or class name is ``name`` (any case)."""
    require_runtime()
    from qiskit_ibm_runtime import fake_provider

    key = name.lower()
    for attr in dir(fake_provider):
        cls = getattr(fake_provider, attr)
        if not (isinstance(cls, type) and attr.startswith("Fake")):
            continue
        bname = cls.__dict__.get("backend_name")
        if isinstance(bname, str) and key in (bname.lower(), attr.lower()):
            return cls
    return None


def _fake_backend_names() -> list[str]:
    """Backend names of every ``fake_provider`` model, sorted."""
    from qiskit_ibm_runtime import fake_provider

    names = []
    for attr in dir(fake_provider):
        cls = getattr(fake_provider, attr)
        bname = cls.__dict__.get("backend_name") if isinstance(cls, type) else None
        if isinstance(bname, str):
            names.append(bname)
    return sorted(names)


def is_local(backend) -> bool:
    """True unless ``backend`` is an ``IBMBackend`` of the IBM service (local testing mode)."""
    require_runtime()
    from qiskit_ibm_runtime.ibm_backend import IBMBackend

    return not isinstance(backend, IBMBackend)


def open_service(*, channel: str | None = None, instance: str | None = None, account: str | None = None):
    """``QiskitRuntimeService`` from a saved account or :data:`TOKEN_ENV`.

    qiskit-ibm-runtime's own discovery order applies: a named saved account (``account``), then
    the ``QISKIT_IBM_TOKEN`` (+ ``QISKIT_IBM_INSTANCE``, ``QISKIT_IBM_URL``) environment
    variables, then the default saved account of ``channel`` (or ``QISKIT_IBM_CHANNEL``).

    Raises
    ------
    HardwareAccessError
        No account, a rejected token or no network (one line, never the token).
    """
    require_runtime()
    from qiskit_ibm_runtime import QiskitRuntimeService
    from qiskit_ibm_runtime.accounts import AccountNotFoundError

    try:
        return QiskitRuntimeService(channel=channel, instance=instance, name=account)
    except AccountNotFoundError:
        raise HardwareAccessError(
            "no IBM Quantum account: save one with QiskitRuntimeService.save_account(...) or set "
            f"{TOKEN_ENV} (and QISKIT_IBM_INSTANCE)"
        ) from None
    except ValueError as exc:  # e.g. an unknown channel
        raise ValueError(f"IBM Quantum account settings rejected: {one_line(exc)}") from None
    except Exception as exc:  # noqa: BLE001 - bad token, no network, service errors
        raise HardwareAccessError(f"cannot open the IBM Quantum service: {one_line(exc)}") from None


def _fake_backend(name: str):
    cls = _fake_backend_class(name)
    if cls is None:
        close = [n for n in _fake_backend_names() if name.lower().replace("fake", "").strip("_") in n][:5]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ValueError(f"unknown fake backend {name!r}{hint}")
    return cls()


def get_backend(backend, *, service=None, channel: str | None = None, instance: str | None = None,
                account: str | None = None):
    """A ``BackendV2`` from an instance or a name.

    ``"fake_torino"`` (or ``"FakeTorino"``) gives the fake-provider model (local testing mode,
    no account); ``"aer"`` an ideal ``AerSimulator``; any other name is looked up on the IBM
    service (``service``, or :func:`open_service` with ``channel``/``instance``/``account``).
    """
    if not isinstance(backend, str):
        if not hasattr(backend, "target"):
            raise ValueError(f"expected a BackendV2 or a backend name, got {type(backend).__name__}")
        return backend
    name = backend.strip()
    if not name:
        raise ValueError("empty backend name")
    if name.lower() in ("aer", "aer_simulator"):
        from qiskit_aer import AerSimulator

        return AerSimulator()
    m = re.fullmatch(r"aer_simulator_from\((.+)\)", name)
    if m:
        from qiskit_aer import AerSimulator

        return AerSimulator.from_backend(get_backend(m.group(1)))
    if name.lower().startswith("fake"):
        return _fake_backend(name)
    from qiskit.providers.exceptions import QiskitBackendNotFoundError

    service = service or open_service(channel=channel, instance=instance, account=account)
    try:
        return service.backend(name)
    except QiskitBackendNotFoundError:
        raise ValueError(f"unknown backend {name!r} for this IBM Quantum account") from None
    except Exception as exc:  # noqa: BLE001
        raise HardwareAccessError(f"cannot get backend {name!r}: {one_line(exc)}") from None
