# JupyterLab for sitrep's notebooks (make lab): notebooks are saved without outputs, so an
# autosave can never put outputs into the committed notebooks (see sitrep.pipeline.lab).
c = get_config()  # noqa: F821 (provided by Jupyter when it reads this file)
c.FileContentsManager.pre_save_hook = "sitrep.pipeline.lab.strip_on_save"
