"""Expert pushes (专家推送): ranked suggestions, the push itself, and what WeChat reports back."""
