"""qdn.io: files in and out.

This layer owns reading and writing signals (:mod:`qdn.io.signals`: CSV, NPY, WAV, DICOM
waveforms) and grey-level images (:mod:`qdn.io.images`: PNG, TIFF, NPY, DICOM pixel data), and
the one atomic, durable file write of the package (:mod:`qdn.io.atomic`), which every other
writer (CLI outputs, the hardware journal) goes through. It sits at the bottom of the package:
it may import :mod:`qdn.common` and third-party libraries only (today it imports nothing from
qdn), so any layer may import it.
"""
