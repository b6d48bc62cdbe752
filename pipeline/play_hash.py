"""Manim's play-call hash, computed faster and to the same string.

Manim names each animation's partial movie after a hash of the camera, the animations and every
mobject on screen (``manim.utils.hashing.get_hash_from_play_call``): a JSON walk over the whole
scene, on every ``play``. render.sh's fast paths rest on it (a caption edit re-renders one beat),
and on a cold render it costs: chapter 3 at preview spent 12.6 to 14.4 s of its 68 s in it.

This module walks the same objects in the same order and writes the same JSON, so it gives the same
hash, character for character: a cached partial movie is found exactly when Manim would find it,
never on a hash that missed something. What it saves is Python overhead per object:

- the memoizer's check of a value (about two million per chapter) is one function with the common
  cases first, instead of three calls with an abstract-class test each, and a plain number or
  string, or an array in a mapping (the commonest value), is checked inline;
- an array's digest reads its dtype's JSON descriptor from a table instead of writing it again
  (about 340,000 arrays per chapter, nearly all float64), and the encoder asks "is it an array?"
  before "is it a function?";
- a function's source is read once per code object, where ``inspect`` re-read and tokenised its
  file on every play (a source file edited during a render is hashed as it was when first read).

Chapter 3 at preview: the hashes 8.4 to 8.7 s instead of 12.6 to 14.4 (both computed on every play
call, in turn), the chapter 64 to 66 s instead of 68 to 69, with the same 63 partial movie names.

Everything else is Manim's own code (``_Memoizer``, ``_CustomEncoder``), subclassed. The tests hash
every beat of every chapter, and a set of awkward objects (None and the placeholder string repeated,
arrays of every layout, functions, keys that are not strings, values left out), both ways and
compare the strings (tests/test_play_hash.py). It copies Manim 0.21.0's hashing, so the worker uses it
only behind the gate for Manim's internals, with that version (scenes/lib/manim_gate.py,
``manim_worker.hash_play_calls_quickly``).
"""
from __future__ import annotations

import copy
import hashlib
import inspect
import json
import zlib
from collections.abc import Hashable
from types import CodeType, FunctionType, MethodType, ModuleType
from typing import Any

import numpy as np
from manim._config import config
from manim.utils import hashing

_PLACEHOLDER = hashing._Memoizer.ALREADY_PROCESSED_PLACEHOLDER
_PLAIN_TYPES = frozenset({int, float, complex, bool})  # exact types Manim never memoizes
_PRIMITIVES = (int, float, str, complex)
_LEAF_TYPES = frozenset({int, float, complex, bool, str, type(None), np.ndarray})  # never a list or dict
_FILTERED_KEYS = hashing.KEYS_TO_FILTER_OUT
_hashable: dict[type, bool] = {}
_sources: dict[int, tuple[CodeType, str]] = {}
_ndarray_prefixes: dict[np.dtype, tuple[str, np.dtype] | None] = {}


class _Memoizer(hashing._Memoizer):
    def check_already_processed(self, obj: Any) -> Any:
        """Manim's ``check_already_processed``, its three calls made one: the same marks, in the
        same order, the same answers."""
        kind = type(obj)
        if kind in _PLAIN_TYPES:
            return obj
        if kind is str:
            if obj != _PLACEHOLDER:
                return obj
        elif isinstance(obj, _PRIMITIVES) and obj not in (None, _PLACEHOLDER):
            return obj  # a subclass of a primitive (numpy's float64)
        hashable = _hashable.get(kind)
        if hashable is None:
            hashable = _hashable[kind] = isinstance(obj, Hashable)
        signature = None
        if hashable:
            try:
                signature = ("h", hash(obj))
            except TypeError:  # a tuple holding a list: Manim falls back to the id, as here
                pass
        if signature is None:
            signature = ("i", id(obj))
        processed = self._already_processed
        if signature in processed:
            return _PLACEHOLDER
        if not config.disable_caching_warning and len(processed) == self.THRESHOLD_WARNING:
            return super().check_already_processed(obj)  # Manim's warning, then the same mark
        processed.add(signature)
        self._keep_alive.setdefault(id(obj), obj)
        return obj


def _hash_ndarray(array: np.ndarray) -> str:
    """Manim's ``_hash_ndarray``: the dtype's descriptor is written once per dtype."""
    dtype = array.dtype
    try:
        known = _ndarray_prefixes[dtype]
    except KeyError:
        canonical = dtype.newbyteorder("<")
        simple = canonical.names is None and not canonical.subdtype
        descriptor = json.dumps(hashing._canonical_dtype_descriptor(dtype), separators=(",", ":"))
        known = _ndarray_prefixes[dtype] = (f"NDARRAY:{descriptor}:", canonical) if simple else None
    if known is None:
        return hashing._hash_ndarray(array)  # structured and sub-array dtypes: Manim's own way
    prefix, canonical = known
    digest = hashlib.sha256(np.ascontiguousarray(array.astype(canonical, copy=False))).hexdigest()
    return f"{prefix}{array.shape}:{digest}"


def _source(function: MethodType | FunctionType) -> str:
    """``inspect.getsource`` as Manim's encoder reads it ("" when there is none), kept per code object.

    Kept by the code object's identity, not its equality: two code objects compare equal when their
    bytecode, names and line numbers do, even from different files (and their functions' default
    values are not in them), yet their sources differ."""
    code = getattr(inspect.unwrap(function), "__code__", None)  # a bound method lends its function's
    known = _sources.get(id(code))
    if known is not None and known[0] is code:
        return known[1]
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        source = ""
    if code is not None:
        _sources[id(code)] = (code, source)  # the code object kept alive, so its id stays its own
    return source


class _CustomEncoder(hashing._CustomEncoder):
    def default(self, obj: Any) -> Any:
        if obj.__class__ is np.ndarray and not obj.dtype.hasobject:
            return _hash_ndarray(obj)  # Manim's second case, tested first: nearly every object
        if isinstance(obj, (MethodType, FunctionType)):
            # Manim's first case, with each function's source read once per render rather than
            # on every play (inspect stats and tokenises the file each time).
            cvars = inspect.getclosurevars(obj)
            cvardict = {**copy.copy(cvars.globals), **copy.copy(cvars.nonlocals)}
            for name in list(cvardict):
                if isinstance(cvardict[name], ModuleType):
                    del cvardict[name]
            return self._cleaned_iterable({"code": _source(obj), "nonlocals": cvardict})
        return super().default(obj)

    def _cleaned_iterable(self, iterable):
        """Manim's ``_cleaned_iterable``: a plain number or string skips the memoizer's call (it
        would come back unchanged), and a plain string key skips the test for a key to hash."""
        check = self._memoizer.check_already_processed
        processed, keep_alive = self._memoizer._already_processed, self._memoizer._keep_alive
        threshold = self._memoizer.THRESHOLD_WARNING  # at which Manim warns: left to its own check
        keep_pixels = self.include_pixel_array

        def clean_list(items) -> list:
            cleaned = [None] * len(items)
            for index, item in enumerate(items):
                kind = type(item)
                if kind not in _PLAIN_TYPES and (kind is not str or item == _PLACEHOLDER):
                    item = check(item)
                    kind = type(item)
                if kind in _LEAF_TYPES:
                    cleaned[index] = item
                elif isinstance(item, (list, tuple)):
                    cleaned[index] = clean_list(item)
                elif isinstance(item, dict):
                    cleaned[index] = clean_dict(item)
                else:
                    cleaned[index] = item
            return cleaned

        def clean_dict(mapping) -> dict:
            cleaned = {}
            for key, value in mapping.items():
                kind = type(value)
                if kind is np.ndarray and len(processed) != threshold:
                    # The memoizer's check, inline for the commonest value: an array is not
                    # hashable, so Manim marks it by its id.
                    signature = ("i", id(value))
                    if signature in processed:
                        value, kind = _PLACEHOLDER, str
                    else:
                        processed.add(signature)
                        keep_alive.setdefault(signature[1], value)
                elif kind not in _PLAIN_TYPES and (kind is not str or value == _PLACEHOLDER):
                    value = check(value)  # marked even when its key is left out below, as in Manim
                    kind = type(value)
                if key in _FILTERED_KEYS and not (keep_pixels and key == "pixel_array"):
                    continue
                if type(key) is not str and not isinstance(key, (str, int, float, bool)) and key is not None:
                    key = zlib.crc32(hashing._get_json(key, self._memoizer).encode())
                if kind in _LEAF_TYPES:
                    cleaned[key] = value
                elif isinstance(value, dict):
                    cleaned[key] = clean_dict(value)
                elif isinstance(value, (list, tuple)):
                    cleaned[key] = clean_list(value)
                else:
                    cleaned[key] = value
            return cleaned

        if isinstance(iterable, (list, tuple)):
            return clean_list(iterable)
        if isinstance(iterable, dict):
            return clean_dict(iterable)
        raise TypeError("'iterable' is neither an iterable nor a dictionary.")


def _get_json(obj: Any, memoizer: hashing._Memoizer, *, include_pixel_array: bool = False) -> str:
    return json.dumps(obj, cls=_CustomEncoder, memoizer=memoizer, include_pixel_array=include_pixel_array)


def get_hash_from_play_call(scene_object, camera_object, animations_list, current_mobjects_list) -> str:
    """Manim's ``get_hash_from_play_call``, the same string."""
    memoizer = _Memoizer()
    memoizer.mark_as_processed(scene_object)
    camera_json = _get_json(camera_object, memoizer)
    animations_list_json = [_get_json(animation, memoizer, include_pixel_array=True)
                            for animation in sorted(animations_list, key=str)]
    current_mobjects_list_json = [_get_json(mobject, memoizer, include_pixel_array=True)
                                  for mobject in current_mobjects_list]
    hash_camera, hash_animations, hash_current_mobjects = (
        zlib.crc32(repr(json_val).encode())
        for json_val in [camera_json, animations_list_json, current_mobjects_list_json])
    return f"{hash_camera}_{hash_animations}_{hash_current_mobjects}"
