"""Character sampler: what a character-level GPT would write next, and how temperature and top-k reshape it."""
import ipywidgets as W
import numpy as np

from ..viz.figures import new_figure
from .base import CourseWidget, control

SHOWN = 20  # bars for the most likely characters
_VISIBLE = {" ": "␣", "\n": "⏎", "\t": "⇥"}


def _visible(c):
    return _VISIBLE.get(c, c)


class CharLMSampler(CourseWidget):
    """Type a prompt; bars show the model's next-character probabilities after temperature and top-k.

    ``model`` is a :class:`dlcourse.models.CharGPT` (trained or not). "Sample" appends one character drawn
    from the distribution shown (a seeded NumPy generator, so the same presses give the same text);
    Play keeps sampling. The crosses mark the model's own probabilities (temperature 1, no top-k).
    """

    def __init__(self, model, prompt="The ", temperature=1.0, top_k=0, seed=0):
        who = "CharLMSampler"
        if not hasattr(model, "next_char_probs") or not hasattr(model, "chars"):
            raise TypeError(f"{who}: model must be a dlcourse.models.CharGPT, got {type(model).__name__}")
        if not isinstance(prompt, str) or not prompt:
            raise ValueError(f"{who}: prompt must be a non-empty str, got {prompt!r}")
        model.encode(prompt)  # an unknown character is reported here, before any drawing
        self.model, self.seed = model, seed
        self.prompt = W.Textarea(value=prompt, description="prompt", layout=W.Layout(width="600px", height="70px"))
        self.temperature = control(W.FloatSlider, temperature, who, "temperature", min=0.1, max=2.0, step=0.05,
                                   description="temperature", style={"description_width": "initial"})
        self.top_k = control(W.IntSlider, top_k, who, "top_k", min=0, max=model.vocab_size, description="top-k",
                             style={"description_width": "initial"})
        self.sample_button = W.Button(description="Sample next", button_style="primary")
        self.play = W.Play(value=0, min=0, max=100_000, interval=200, description="keep sampling")
        self.reset_button = W.Button(description="Reset", icon="undo")
        fig = new_figure(8.6, 3.0)
        self.ax = fig.subplots()
        x = np.arange(SHOWN)
        self._bars = self.ax.bar(x, np.zeros(SHOWN), color="C0", label="sampling probability")
        (self._raw,) = self.ax.plot(x, np.zeros(SHOWN), "x", color="C1", ms=6, label="model (T = 1, all characters)")
        self._labels = [self.ax.text(i, -0.02, "", ha="center", va="top", fontsize=11, family="monospace")
                        for i in x]
        self.ax.set(xlim=(-0.6, SHOWN - 0.4), ylim=(0, 1), xticks=[], ylabel="probability",
                    title=f"next character: the {SHOWN} most likely")
        self.ax.legend(loc="upper right", fontsize=8)
        fig.tight_layout()
        controls = [self.prompt, W.HBox([self.temperature, self.top_k]),
                    W.HBox([self.sample_button, self.play, self.reset_button])]
        super().__init__(controls, fig)
        self.animate(*self._bars, self._raw, *self._labels)
        self._initial = prompt
        self.reset()
        self.sample_button.on_click(lambda _: self.sample())
        self.reset_button.on_click(lambda _: self.reset())
        self.play.observe(lambda c: self.sample() if c["new"] > c["old"] else None, "value")
        for c in (self.prompt, self.temperature, self.top_k):
            c.observe(self.refresh, "value")

    def reset(self):
        """Back to the first prompt and a fresh random stream."""
        self.rng = np.random.default_rng(self.seed)
        self.play.playing = False
        if self.prompt.value != self._initial:
            self.prompt.value = self._initial  # its observer refreshes
        else:
            self.refresh()

    def probabilities(self):
        """``(model probabilities, sampling probabilities)`` for the current prompt and settings."""
        text = self.prompt.value
        top_k = self.top_k.value or None
        return (self.model.next_char_probs(text),
                self.model.next_char_probs(text, self.temperature.value, top_k))

    def sample(self):
        """Append one character drawn from the distribution shown."""
        p = self.probabilities()[1]
        self.prompt.value += self.model.chars[self.rng.choice(len(p), p=p / p.sum())]

    def draw(self):
        try:
            raw, probs = self.probabilities()
        except ValueError as e:  # a typed character the model has never seen
            self.probs = None
            for bar in self._bars:
                bar.set_height(0)
            self._raw.set_ydata(np.zeros(SHOWN))
            for label in self._labels:
                label.set_text("")
            return f"<b>⚠ {e}</b>"
        self.probs = probs
        order = np.argsort(-probs, kind="stable")[:SHOWN]
        for k, (bar, label) in enumerate(zip(self._bars, self._labels)):  # a vocabulary may have < SHOWN chars
            i = order[k] if k < len(order) else None
            bar.set_height(0 if i is None else probs[i])
            label.set_text("" if i is None else _visible(self.model.chars[i]))
        self._raw.set_ydata(np.pad(raw[order], (0, SHOWN - len(order)), constant_values=np.nan))
        entropy = -np.sum(probs[probs > 0] * np.log(probs[probs > 0]))
        best = order[0]
        return (f"After “…{self.prompt.value[-30:]}”: most likely next character “{_visible(self.model.chars[best])}” "
                f"with probability {probs[best]:.2f}; {int((probs > 0).sum())} characters possible; "
                f"entropy {entropy:.2f} nats (temperature {self.temperature.value:.2f}, "
                f"top-k {self.top_k.value or 'off'}).")

    def summary(self):
        if self.probs is None:
            return "CharLMSampler: the prompt has a character outside the vocabulary"
        best = int(np.argmax(self.probs))
        return (f"CharLMSampler: temperature {self.temperature.value:.2f}, top-k {self.top_k.value or 'off'}, "
                f"most likely next character {_visible(self.model.chars[best])!r}")

    def actions(self):
        return [("sample", self.sample),
                ("temperature", lambda: setattr(self.temperature, "value", round(0.1 + (self.temperature.value + 0.15) % 1.9, 2))),
                ("top-k", lambda: setattr(self.top_k, "value", 0 if self.top_k.value == 3 else 3))]
