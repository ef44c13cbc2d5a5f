"""Geography: places, the world layers, a data set's own geo files and the gazetteer."""
