# JupyterLab for sitrep's notebooks (make lab): every save writes the notebook in its canonical,
# committed form (no outputs, no execution counts, no session metadata; see
# sitrep.pipeline.lab), so a save after Run All changes no byte of an unedited notebook.
import os

c = get_config()  # noqa: F821 (provided by Jupyter when it reads this file)
c.FileContentsManager.pre_save_hook = "sitrep.pipeline.lab.strip_on_save"
# The quick start is written for machines where you work as root (containers, sudo): Jupyter
# refuses root unless told.
if hasattr(os, "getuid") and os.getuid() == 0:
    c.ServerApp.allow_root = True
