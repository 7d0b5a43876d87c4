"""One glossary for every naming scheme the learner will meet.

The course notes (Chinese, following Udacity's "learn / forget / remember / use gate" story),
the papers, Dive into Deep Learning (d2l), deeplearning.ai's sequence-models course and PyTorch
all name the same parts of an LSTM differently. Each ``Term`` below maps one of the notes' words
to all of them and to the attribute of this package that computes it, so a lesson can say
"the learn gate" and the learner can find ``step.learn_gate`` (= ``step.i * step.g``).

``quote`` is the line of the notes where the term appears, copied as written (typos included),
so the glossary can be read next to the notes.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, fields

from ..core.language import say


@dataclass(frozen=True)
class Term:
    """One row of the glossary; an empty string means "this scheme has no name for it"."""

    notes: str  # the notes' term, exactly as written there
    english: str  # a plain English rendering of the notes' term
    standard: str  # the name in the papers (Hochreiter & Schmidhuber 1997, Gers et al. 2000, ...)
    d2l: str  # Dive into Deep Learning
    d2l_zh: str  # 动手学深度学习 (d2l-zh), the Chinese edition of d2l
    colah: str  # colah's blog post "Understanding LSTM Networks" (2015), which the notes' reference translates
    dlai: str  # deeplearning.ai, Sequence Models (Γ for gates, ⟨t⟩ for time)
    pytorch: str  # torch.nn.LSTM / nn.GRU letter or name
    attributes: tuple[str, ...]  # where this package computes it: "Class.attr" or "lstm_lesson.name"
    meaning: str  # one line
    quote: str  # the notes' line containing ``notes``
    meaning_zh: str = ""  # ``meaning`` in Chinese: the "meaning" column of the Chinese edition


TERMS: tuple[Term, ...] = (
    # ----- the notes' four gates -------------------------------------------------------------
    Term(
        notes="学习门", english="learn gate",
        standard="input gate × cell input, i ⊙ g",
        d2l="input gate I_t ⊙ input node C̃_t",
        d2l_zh='输入门 I_t ⊙ 候选记忆元 C̃_t',
        colah='i_t ∗ C̃_t (input gate layer × new candidate values)',
        dlai="Γu ⊙ c̃⟨t⟩ (update gate × candidate)",
        pytorch="i * g", attributes=("LSTMRecord.learn_gate", "LSTMRecord.i", "LSTMRecord.g"),
        meaning="what is learned now: the candidate N_t = g, scaled by the gate i_t",
        meaning_zh="此刻学到的内容：候选值 N_t = g，由门 i_t 缩放",
        quote="学习门：\n通过tanh将短期记忆和当前事件结合得到Nt，并乘以遗忘因子it得Nt*it，"
              "而遗忘因子it来自于短期记忆和当前事件的另一个组合",
    ),
    Term(
        notes="遗忘门", english="forget gate",
        standard="forget gate applied to the old cell, f ⊙ c_{t−1}",
        d2l="forget gate F_t ⊙ C_{t−1}",
        d2l_zh='遗忘门 F_t ⊙ C_{t−1}',
        colah='f_t ∗ C_{t−1} (forget gate layer)',
        dlai="Γf ⊙ c⟨t−1⟩", pytorch="f * c",
        attributes=("LSTMRecord.forget_gate", "LSTMRecord.f"),
        meaning="the part of the long-term memory that is kept; added by Gers, Schmidhuber & Cummins (2000), "
                "the 1997 LSTM had no forget gate",
        meaning_zh="长期记忆中被保留的部分；由 Gers、Schmidhuber 和 Cummins（2000）加入，1997 年的 LSTM 没有遗忘门",
        quote="遗忘门 ：长期记忆LTM（t-1） * ft ，ft是遗忘因子，来自短期记忆和当前事件的组合",
    ),
    Term(
        notes="记忆门", english="remember gate",
        standard="cell state update, c_t = f ⊙ c_{t−1} + i ⊙ g",
        d2l="memory cell internal state C_t",
        d2l_zh='记忆元 C_t',
        colah='C_t = f_t ∗ C_{t−1} + i_t ∗ C̃_t',
        dlai="c⟨t⟩", pytorch="c",
        attributes=("LSTMRecord.remember_gate", "LSTMRecord.c"),
        meaning="the new long-term memory: forget gate output plus learn gate output",
        meaning_zh="新的长期记忆：遗忘门的输出加上学习门的输出",
        quote="记忆门 ：将遗忘门输出的长期记忆和学习门学的到的短期记忆进行组合",
    ),
    Term(
        notes="使用门", english="use gate",
        standard="output gate applied to the cell, h_t = o ⊙ tanh(c_t)",
        d2l="output gate O_t ⊙ tanh(C_t) = hidden state H_t",
        d2l_zh='输出门 O_t ⊙ tanh(C_t) = 隐状态 H_t',
        colah='h_t = o_t ∗ tanh(C_t)',
        dlai="a⟨t⟩ = Γo ⊙ tanh(c⟨t⟩)",
        pytorch="h = o * tanh(c)", attributes=("LSTMRecord.use_gate", "LSTMRecord.o", "LSTMRecord.h"),
        meaning="the new short-term memory, which is also the cell's output; lesson 02 reads it two ways: "
                "Udacity's story (a tanh layer on f ⊙ c_{t−1}, times a sigmoid) and the standard o ⊙ tanh(c_t)",
        meaning_zh="新的短期记忆，也就是单元的输出；第 02 课从两个角度解读它："
                   "Udacity 的讲法（作用于 f ⊙ c_{t−1} 的 tanh 层，"
                   "再乘以一个 sigmoid）和标准的 o ⊙ tanh(c_t)",
        quote="使用门 ：将遗忘门得到的长期记忆经过tanh后和",
    ),
    # ----- the parts inside the gates --------------------------------------------------------
    Term(
        notes="Nt", english="new information (the candidate)",
        standard="cell input / candidate, g_t = tanh(·)",
        d2l="input node C̃_t",
        d2l_zh='候选记忆元 C̃_t',
        colah='C̃_t (new candidate values)',
        dlai="candidate value c̃⟨t⟩", pytorch="g",
        attributes=("LSTMRecord.g",),
        meaning="a tanh mix of the short-term memory and the current input, in (−1, 1)",
        meaning_zh="短期记忆与当前输入经 tanh 混合而成，取值在 (−1, 1) 内",
        quote="通过tanh将短期记忆和当前事件结合得到Nt",
    ),
    Term(
        notes="输入门", english="input gate",
        standard="input gate i_t = σ(·)",
        d2l="input gate I_t",
        d2l_zh='输入门 I_t',
        colah='input gate layer i_t',
        dlai="update gate Γu", pytorch="i",
        attributes=("LSTMRecord.i",),
        meaning="how much of the candidate is written into the cell (the notes' learn gate calls i_t a 遗忘因子)",
        meaning_zh="候选值有多少写入单元状态（笔记在学习门里把 i_t 也叫作遗忘因子）",
        quote="LSTM引入了输入门和输出门，之后又有人对LSTM进行了扩展，引入了遗忘门",
    ),
    Term(
        notes="遗忘因子", english="forget factor",
        standard="a gate activation σ(·): the forget gate f_t, but also i_t and o_t",
        d2l="forget gate F_t",
        d2l_zh='遗忘门 F_t',
        colah='forget gate layer f_t',
        dlai="forget gate Γf", pytorch="f",
        attributes=("LSTMRecord.f", "LSTMCell.forget_bias"),
        meaning="the notes' word for EVERY sigmoid factor in (0, 1): f_t on the old cell (near 0 wipes the "
                "memory, near 1 keeps it), but also i_t in the learn gate and o_t in the output gate",
        meaning_zh="笔记对 (0, 1) 内每一个 sigmoid 因子的称呼：作用于旧单元状态的 f_t（接近 0 抹去记忆，"
                   "接近 1 保留记忆），也包括学习门里的 i_t 和输出门里的 o_t",
        quote="sigmoid出来遗忘因子接近于0代表，遗忘单元状态原始信息，接近于1代表大部分原始的单元状态信息继续传递",
    ),
    Term(
        notes="输出门", english="output gate",
        standard="output gate o_t = σ(·)",
        d2l="output gate O_t",
        d2l_zh='输出门 O_t',
        colah='output o_t',
        dlai="output gate Γo", pytorch="o",
        attributes=("LSTMRecord.o",),
        meaning="how much of tanh(c_t) is shown as the hidden state",
        meaning_zh="tanh(c_t) 有多少作为隐层状态输出",
        quote="输出门：输出单元状态，并且输出的单元状态通过tanh输出为-1至1之间，并且经过遗忘因子后输出为隐层",
    ),
    Term(
        notes="更新门", english="update gate (the notes' name for the cell update)",
        standard="cell state update, c_t = f ⊙ c_{t−1} + i ⊙ g",
        d2l="memory cell internal state C_t",
        d2l_zh='记忆元 C_t (d2l-zh 的“更新门”是 GRU 的 Z_t，不是它)',
        colah='C_t (“update the old cell state”)',
        dlai="c⟨t⟩ (not Γu, which is the input gate)",
        pytorch="c", attributes=("LSTMRecord.c",),
        meaning="the notes' second name for the remember gate; not the GRU's update gate z, which "
                "d2l-zh also calls 更新门 (两个“更新门”：笔记里的是 LSTM 的单元状态更新 c_t，"
                "d2l-zh 里的是 GRU 的 Z_t)",
        meaning_zh="笔记对记忆门的另一个称呼；不是 GRU 的更新门 z（d2l-zh 也把 z 叫作更新门）。两个“更新门”："
                   "笔记里的是 LSTM 的单元状态更新 c_t，d2l-zh 里的是 GRU 的 Z_t",
        quote="更新门：更新单元状态=遗忘门处理过的单元状态+新增状态",
    ),
    # ----- the two memories ------------------------------------------------------------------
    Term(
        notes="长期记忆", english="long-term memory",
        standard="cell state c_t", d2l="memory cell internal state C_t",
        d2l_zh='记忆元 C_t',
        colah='cell state C_t',
        dlai="memory cell c⟨t⟩",
        pytorch="c (c_n)", attributes=("LSTMState.c", "LSTMRecord.c"),
        meaning="what the LSTM carries from step to step through additions, not squashing",
        meaning_zh="LSTM 在时间步之间传递的内容，靠的是加法而不是挤压",
        quote="长短记忆单元可以储存长期记忆，并且能够分别处理",
    ),
    Term(
        notes="短期记忆", english="short-term memory",
        standard="hidden state h_t", d2l="hidden state H_t",
        d2l_zh='隐状态 H_t',
        colah='hidden state h_t',
        dlai="activation a⟨t⟩",
        pytorch="h (h_n, output)", attributes=("LSTMState.h", "LSTMRecord.h"),
        meaning="the output of each step, fed back in with the next input",
        meaning_zh="每个时间步的输出，与下一个输入一起再送回网络",
        quote="普通RNN通过短期记忆追溯，想到相关性大的",
    ),
    Term(
        notes="单元状态", english="cell state",
        standard="cell state c_t", d2l="memory cell internal state C_t",
        d2l_zh='记忆元 C_t',
        colah='cell state C_t',
        dlai="memory cell c⟨t⟩",
        pytorch="c", attributes=("LSTMState.c", "LSTMRecord.c"),
        meaning="the long-term memory under its textbook name",
        meaning_zh="长期记忆在教科书里的名字",
        quote="采用**LSTM重点在于增加了一种单元状态cell（类似于长期记忆），",
    ),
    Term(
        notes="隐层状态", english="hidden-layer state",
        standard="hidden state h_t", d2l="hidden state H_t",
        d2l_zh='隐状态 H_t',
        colah='hidden state h_t',
        dlai="activation a⟨t⟩",
        pytorch="h", attributes=("LSTMState.h", "LSTMRecord.h"),
        meaning="the short-term memory under its textbook name; computed from the cell state",
        meaning_zh="短期记忆在教科书里的名字；由单元状态计算而得",
        quote="隐层状态由单元状态计算而得，然后继续往右边和往上边传递**。",
    ),
    # ----- variants --------------------------------------------------------------------------
    Term(
        notes="门限回归单元", english="gated recurrent unit (GRU)",
        standard="GRU (Cho et al. 2014, arXiv 1406.1078): reset gate r, update gate z, candidate n; "
                 "standard Chinese 门控循环单元",
        d2l="reset gate R_t, update gate Z_t, candidate hidden state H̃_t",
        d2l_zh='门控循环单元（GRU）：重置门 R_t，更新门 Z_t，候选隐状态 H̃_t',
        colah='GRU: r_t, z_t, h̃_t; h_t = (1 − z_t) ∗ h_{t−1} + z_t ∗ h̃_t (z on the NEW state)',
        dlai="relevance gate Γr, update gate Γu (= 1 − z), candidate c̃",
        pytorch="nn.GRU: r, z, n",
        attributes=("lstm_lesson.GRUCell", "GRURecord.r", "GRURecord.z", "GRURecord.n"),
        meaning="two gates and no separate cell: h_t = (1 − z) ⊙ n + z ⊙ h_{t−1} (PyTorch; colah writes "
                "z on the new state, the reverse). 门限回归单元 is the notes' term; the usual Chinese is "
                "门控循环单元",
        meaning_zh="两个门，没有单独的单元状态：h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}（PyTorch 的写法；"
                   "colah 把 z 放在新状态上，正好相反）。门限回归单元是笔记的叫法，通行的中文名是门控循环单元",
        quote="门限回归单元  简单实用",
    ),
    Term(
        notes="窥视孔连接", english="peephole connections",
        standard="peephole connections (Gers & Schmidhuber 2000, diagonal weights)", d2l="",
        d2l_zh='',
        colah='peephole connections: every gate reads [C, h, x] through a full weight matrix',
        dlai="",
        pytorch="(none in nn.LSTM)",
        attributes=("lstm_lesson.PeepholeLSTMCell", 'PeepholeLSTMCell.params["p_i"]',
                    'PeepholeLSTMCell.params["p_f"]', 'PeepholeLSTMCell.params["p_o"]'),
        meaning="the gates also see the cell: i and f see c_{t−1}, o sees the new c_t; the package uses "
                "Gers' diagonal weights p_i, p_f, p_o (3H), colah and Udacity a full matrix (3H²)",
        meaning_zh="门也能看到单元状态：i 和 f 看 c_{t−1}，o 看新的 c_t；"
                   "本包用 Gers 的对角权重 p_i、p_f、p_o（3H 个），colah 和 Udacity 用完整的矩阵（3H² 个）",
        quote="即在生成遗忘因子的时候考虑了长期记忆——窥视孔连接",
    ),
    # ----- gradients -------------------------------------------------------------------------
    Term(
        notes="梯度消失", english="vanishing gradient",
        standard="vanishing gradient problem", d2l="vanishing gradients",
        d2l_zh='梯度消失',
        colah='the problem of long-term dependencies',
        dlai="vanishing gradients",
        pytorch="", attributes=("lstm_lesson.bptt",),
        meaning="the gradient shrinks by a factor each step back in time, so long lags teach nothing",
        meaning_zh="梯度每往回传一个时间步就缩小一个倍数，所以相隔很久的依赖什么也学不到",
        quote="普通rnn会造成梯度消失和梯度爆炸问题，使的rnn难以学习长距离信息",
    ),
    Term(
        notes="梯度弥散", english="gradient diffusion",
        standard="vanishing gradient problem", d2l="vanishing gradients",
        d2l_zh='梯度消失',
        colah='',
        dlai="vanishing gradients",
        pytorch="", attributes=("lstm_lesson.bptt",),
        meaning="another Chinese name for the vanishing gradient",
        meaning_zh="梯度消失的另一个中文名称",
        quote="为了避免梯度弥散和梯度爆炸，一个 naive 的方法就是强行让 error flow 变成一个常数",
    ),
    Term(
        notes="梯度爆炸", english="exploding gradient",
        standard="exploding gradient problem; fix: clipping by global norm (Pascanu et al. 2013)",
        d2l="exploding gradients, gradient clipping",
        d2l_zh='梯度爆炸，梯度裁剪',
        colah='',
        dlai="exploding gradients, gradient clipping",
        pytorch="torch.nn.utils.clip_grad_norm_",
        attributes=("lstm_lesson.clip_by_global_norm", "lstm_lesson.global_norm"),
        meaning="the gradient grows by a factor each step back; one huge update can undo training",
        meaning_zh="梯度每往回传一个时间步就放大一个倍数；一次巨大的更新就可能毁掉训练",
        quote="普通rnn会造成梯度消失和梯度爆炸问题，使的rnn难以学习长距离信息",
    ),
    Term(
        notes="CEC", english="constant error carousel",
        standard="constant error carousel (Hochreiter & Schmidhuber 1997, §3.2)",
        d2l="self-connected internal state with weight 1",
        d2l_zh='',
        colah='',
        dlai="", pytorch="",
        attributes=("LSTMRecord.f", "LSTMCell.forget_bias"),
        meaning="in 1997 a fixed self-loop of weight 1.0 (no forget gate), so the error flows back "
                "unchanged; Gers, Schmidhuber & Cummins 2000 replaced the fixed 1.0 by the forget gate f_t, "
                "so today's CEC is f = 1 (with i = 0 the cell copies itself)",
        meaning_zh="1997 年是权重固定为 1.0 的自连接（没有遗忘门），所以误差原样往回流；"
                   "Gers、Schmidhuber 和 Cummins 2000 用遗忘门 f_t 取代了固定的 1.0，"
                   "所以今天的 CEC 就是 f = 1（若 i = 0，单元状态原样复制自己）",
        quote="总结一下：LSTM把原本RNN的单元改造成一个叫做CEC的部件，这个部件保证了误差将以常数的形式在网络中流动 ，",
    ),
    # ----- the notes' TensorFlow 1 words -----------------------------------------------------
    Term(
        notes="BasicLSTMCell", english="basic LSTM cell (TensorFlow 1)",
        standard="LSTM cell (one time step)", d2l="LSTM",
        d2l_zh='',
        colah='',
        dlai="lstm_cell_forward",
        pytorch="nn.LSTMCell", attributes=("lstm_lesson.LSTMCell",),
        meaning="one LSTM step; TF1 orders its gate blocks i, j, f, o and adds forget_bias at run time",
        meaning_zh="LSTM 的一个时间步；TF1 的门块顺序是 i, j, f, o，并在运行时加上 forget_bias",
        quote="lstm = tf.contrib.rnn.BasicLSTMCell(lstm_size)",
    ),
    Term(
        notes="lstm_size", english="LSTM size",
        standard="hidden size (number of units)", d2l="num_hiddens",
        d2l_zh='隐藏单元数 num_hiddens',
        colah='',
        dlai="n_a",
        pytorch="hidden_size", attributes=("LSTMCell.hidden_size",),
        meaning="the width of h and c, shared by all four gates",
        meaning_zh="h 和 c 的宽度，四个门共用",
        quote="#lstm_size代表的是lstm的维度，即四类们的隐层维度",
    ),
    Term(
        notes="dynamic_rnn", english="dynamic RNN (TensorFlow 1)",
        standard="unrolling a cell over time", d2l="RNN forward over num_steps",
        d2l_zh='',
        colah='',
        dlai="lstm_forward",
        pytorch="nn.LSTM(...)(inputs)", attributes=("lstm_lesson.dynamic_rnn",),
        meaning="run one cell over every time step: (batch, time, input) → (batch, time, hidden)",
        meaning_zh="让一个单元走过每个时间步：(batch, time, input) → (batch, time, hidden)",
        quote="tf.nn.dynamic_rnn()#多时间步长执行",
    ),
    Term(
        notes="MultiRNNCell", english="multi-layer RNN cell (TensorFlow 1)",
        standard="stacked (deep) RNN", d2l="deep RNN, num_layers",
        d2l_zh='深度循环神经网络',
        colah='',
        dlai="deep RNNs",
        pytorch="nn.LSTM(num_layers=...)", attributes=("lstm_lesson.MultiRNNCell",),
        meaning="cells stacked so each layer's h is the next layer's input",
        meaning_zh="把单元堆叠起来，每层的 h 是下一层的输入",
        quote="MultiRNNCell() #堆砌cell，即多层lstm",
    ),
    # ----- batching --------------------------------------------------------------------------
    Term(
        notes="batch_size", english="batch size",
        standard="batch size (sequences run in parallel)", d2l="batch_size",
        d2l_zh='批量大小 batch_size',
        colah='',
        dlai="m",
        pytorch="N (batch_first=True: dim 0)", attributes=("lstm_lesson.get_batches",),
        meaning="how many rows the long sequence is cut into; the rows run side by side",
        meaning_zh="长序列被切成多少行；这些行并排同时运行",
        quote="例如一个list=[1000个元素]组成的时序数组，采用batch_size=10,batch_step=20,即将其转化为二维数组10*100,"
              "每batch步长为20个元素",
    ),
    Term(
        notes="batch_step", english="batch step (n_steps)",
        standard="sequence length of one window (truncated BPTT length)", d2l="num_steps",
        d2l_zh='时间步数 num_steps',
        colah='',
        dlai="T_x",
        pytorch="L (sequence length, dim 1)", attributes=("lstm_lesson.get_batches",),
        meaning="how many time steps each (x, y) window has; get_batches calls it n_steps",
        meaning_zh="每个 (x, y) 窗口有多少个时间步；get_batches 把它叫作 n_steps",
        quote="x_batch=arr[:,n*i:n*i+batch_step] #x代表输入序列",
    ),
)

# Column order and headers for glossary_table (English; the Chinese headers are in COLUMNS_ZH).
COLUMNS = {
    "notes": "notes (中文)",
    "english": "English",
    "standard": "standard name",
    "d2l": "d2l",
    "d2l_zh": "d2l-zh (中文)",
    "colah": "colah",
    "dlai": "deeplearning.ai",
    "pytorch": "PyTorch",
    "attributes": "lstm_lesson",
    "meaning": "meaning",
    "quote": "where the notes say it",
}
COLUMNS_ZH = {
    "notes": "笔记（中文）",
    "english": "英文",
    "standard": "标准名称（论文）",
    "d2l": "d2l",
    "d2l_zh": "d2l-zh（中文）",
    "colah": "colah",
    "dlai": "deeplearning.ai",
    "pytorch": "PyTorch",
    "attributes": "lstm_lesson",
    "meaning": "含义",
    "quote": "笔记原文",
}


def _header(column: str) -> str:
    return say(COLUMNS[column], COLUMNS_ZH[column])


def _cell(term: Term, column: str) -> str:
    value = getattr(term, column)
    if column == "attributes":
        value = ", ".join(value)
    elif column == "meaning":
        value = say(value, term.meaning_zh or value)
    return value or "—"


def glossary_table(columns=None, fmt: str = "markdown", terms=None) -> str:
    """The glossary as a markdown (``fmt="markdown"``) or HTML (``fmt="html"``) table.

    columns: a list of ``Term`` field names (default: every field except ``quote``).
    terms: the rows to show (default: all of ``TERMS``).
    """
    if columns is None:
        columns = [c for c in COLUMNS if c != "quote"]
    columns = list(columns)
    known = [f.name for f in fields(Term) if f.name in COLUMNS]  # meaning_zh is shown as "meaning"
    for c in columns:
        if c not in known:
            raise ValueError(say(f"columns: expected names from {known}, got {c!r}",
                                 f"columns：应取自 {known}，传入的是 {c!r}"))
    terms = TERMS if terms is None else tuple(terms)
    for t in terms:
        if not isinstance(t, Term):
            raise TypeError(say(f"terms: expected glossary Term entries, got {type(t).__name__}",
                                f"terms：应为词汇表的 Term 条目，传入的是 {type(t).__name__}"))
    if fmt == "markdown":
        def md(s):  # pipes and line breaks would break the table; * and _ would turn into emphasis
            for char in "\\|*_":
                s = s.replace(char, "\\" + char)
            return s.replace("\n", " ")
        lines = ["| " + " | ".join(_header(c) for c in columns) + " |",
                 "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(md(_cell(t, c)) for c in columns) + " |" for t in terms]
        return "\n".join(lines)
    if fmt == "html":
        head = "".join(f"<th>{html.escape(_header(c))}</th>" for c in columns)
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(t, c))}</td>" for c in columns) + "</tr>"
                       for t in terms)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    raise ValueError(say(f"fmt: expected 'markdown' or 'html', got {fmt!r}",
                         f"fmt：应为 'markdown' 或 'html'，传入的是 {fmt!r}"))


def lookup(notes_term: str) -> Term:
    """The glossary entry for one of the notes' terms, e.g. ``lookup("学习门")``."""
    for t in TERMS:
        if t.notes == notes_term:
            return t
    raise ValueError(say(f"notes_term: expected one of {[t.notes for t in TERMS]}, got {notes_term!r}",
                         f"notes_term：应为 {[t.notes for t in TERMS]} 之一，传入的是 {notes_term!r}"))

