"""Quote attribution with a token tagger: tags, links, speaker names, data, training.

Pure modules (no torch): :mod:`.tags`, :mod:`.linking`, :mod:`.speakers`, :mod:`.assemble`.
:mod:`.data` turns goldset documents into training windows, :mod:`.train` is the training recipe,
:mod:`.measure_linking` measures the rules on gold tags.
"""
