"""The `course_lib.models` package re-exports every network its callers name today."""

import importlib
import inspect

import pytest

from course_lib import models
from course_lib.models import layers, mnist, pix2pix


@pytest.mark.parametrize("module", [mnist, pix2pix, layers])
def test_the_package_re_exports_every_public_name_of_its_submodules(module):
    defined_here = {name for name, value in vars(module).items()
                    if not name.startswith("_") and not inspect.ismodule(value)
                    and getattr(value, "__module__", module.__name__) == module.__name__}
    assert defined_here, module.__name__
    assert defined_here <= set(models.__all__), defined_here - set(models.__all__)
    for name in defined_here:
        assert getattr(models, name) is getattr(module, name), name


@pytest.mark.parametrize("name", ["GeneratorGAN", "DiscriminatorGAN", "GeneratorCGAN",
                                  "DiscriminatorCGAN", "dcgan_generator", "dcgan_discriminator",
                                  "unet_generator", "patchgan_discriminator", "UNetGenerator",
                                  "PatchGANDiscriminator"])
def test_weight_registry_architecture_strings_still_resolve(name):
    """The weights registry names builders as "course_lib.models:NAME"."""
    assert callable(getattr(importlib.import_module("course_lib.models"), name))
