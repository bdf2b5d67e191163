"""The prompts of the LLM path, as files (one per prompt, Markdown, filled with str.format).

A package only so that a wheel carries them beside the code; `assistant.prompts` loads them.
"""
