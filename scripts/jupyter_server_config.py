# JupyterLab for sitrep's notebooks (make lab): every save writes the notebook in its canonical,
# committed form (no outputs, no execution counts, no session metadata, the parameters cell with
# its committed defaults; see sitrep.pipeline.lab), so a save after Run All changes no byte of a
# notebook whose code is unedited. The parameter values explored are kept in
# notebooks/.sitrep-lab/ (git-ignored) and put back when the notebook is opened again.
import os

c = get_config()  # noqa: F821 (provided by Jupyter when it reads this file)
c.FileContentsManager.pre_save_hook = "sitrep.pipeline.lab.strip_on_save"
c.ServerApp.contents_manager_class = "sitrep.pipeline.lab.LabContentsManager"
# The quick start is written for machines where you work as root (containers, sudo): Jupyter
# refuses root unless told.
if hasattr(os, "getuid") and os.getuid() == 0:
    c.ServerApp.allow_root = True
