"""The course's benchmarks, kept in the checkout (not in the installed package): the seed
lessons' train steps and pipelines (`reference`), the benchmark that times course_lib against
them (`python benchmarks/bench.py`), and the whole-process cGAN race (`compare_cgan.py`).
"""
