# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 循环神经网络如何记忆
#
# **00 · 从这里开始**
#
# 这是一套 notebook 课程：用 numpy 从零实现循环神经网络（recurrent neural network，RNN），在笔记本电脑的 CPU 上离线运行，展示给你的每一个数字都经过检验。

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## 本系列按顺序讲什么
#
# | # | 课 | 它回答的问题 |
# |---|---|---|
# | 00 | 从这里开始 | 怎样运行本系列；术语表在哪里 |
# | 01 | RNN 的记忆 | 网络怎样把过去装进一个状态向量？又忘得多快？ |
# | 02 | LSTM 的门 | 长短期记忆网络（LSTM）的学习门、遗忘门、记忆门和使用门各计算什么（i, f, g, o）？ |
# | 03 | LSTM 的变体：GRU 与窥视孔 | 门限回归单元（GRU，标准译名门控循环单元）和窥视孔连接（peephole connections）改变了什么？ |
# | 04 | 梯度消失与梯度爆炸 | 普通 RNN 为什么学不会长时滞（long lag）的依赖？LSTM 的单元状态（cell state，d2l-zh 称记忆元）怎样解决这个问题？ |
# | 05 | 批量处理 | 一条长序列怎样切成 `batch_size` 行、每个窗口 `n_steps` 步？ |
# | 06 | 字符级 LSTM | 堆叠 LSTM 能否在 CPU 上几分钟内学会写文本？ |
# | 07 | 从 numpy 到框架 | 这些权重怎样搬到 PyTorch、Keras 和 TensorFlow？ |
#
# 每课都是 `notebooks/` 下编号相同的一个 notebook（中文版在 `notebooks/zh/`，文件名相同）：
# `01_rnn_memory.ipynb`、`02_lstm_gates.ipynb`、`03_lstm_variants.ipynb`、`04_vanishing_gradients.ipynb`、
# `05_batching.ipynb`、`06_char_lstm.ipynb`、`07_from_numpy_to_frameworks.ipynb`。

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## 怎样运行
#
# 在仓库根目录下（见 `README.md`），一条命令就能装好一切并打开课程：
#
# ```bash
# make lab
# ```
#
# 它把课程复制到你自己的文件夹 `lstm-lesson-notebooks/`：在那里随便改，`lstm-lesson reset 02`
# 会把第 02 课恢复原样。没有 `make` 时（Windows）：先 `pip install -e ".[test]"`，再 `lstm-lesson lab`。中文版用 `make lab EDITION=zh` 或 `lstm-lesson lab --lang zh` 打开（`lstm-lesson` 的每条命令都接受 `--lang zh`），英文版直接用 `lstm-lesson lab`。
# JupyterLab 的界面也可以换成中文：`pip install jupyterlab-language-pack-zh-cn`，然后在菜单 **Settings → Language** 里选 **Chinese (Simplified, China) - 中文 (简体, 中国)**。
#
# 然后打开一个 notebook，从头运行它的单元格（**Run → Run All Cells**）。每个 notebook 都固定了随机种子（seed），所以你看到的数字和保存的输出一样。`make test` 重新运行每个 notebook，并把输出和保存的输出相比较。
#
# 每个单元格都带有幻灯片元数据，教师可以把一课当作 reveal.js 幻灯片投影：`lstm-lesson slides`
# 为每个 notebook 在 `build/slides/` 下写一份幻灯片，所用的库就放在旁边，不联网也能打开；
# `lstm-lesson handouts` 把它们打印成 PDF。教师请注意：不含答案的学生版用 `lstm-lesson student OUT`
# 生成，教师指南在 `docs/teachers.md`。

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## 检查环境
#
# 这个单元格导入各课所用的辅助包，并检查它需要的版本。

# %% slideshow={"slide_type": "fragment"}
import re

import ipywidgets
import matplotlib
import numpy as np
import threadpoolctl
from IPython.display import Markdown, display

import lstm_lesson
from lstm_lesson.classroom.glossary import TERMS, glossary_table

lstm_lesson.set_language("zh")  # 包打印的内容用中文（English: lstm_lesson.set_language("en")）


def version_at_least(version: str, minimum: tuple) -> bool:
    """Is '2.4.6' at least (1, 23)? Only major.minor count ('1.26.0rc1' -> (1, 26))."""
    major, minor = re.match(r"(\d+)\.(\d+)", version).groups()
    return (int(major), int(minor)) >= minimum


needs = {"numpy": (np.__version__, (1, 23)), "matplotlib": (matplotlib.__version__, (3, 6)),
         "ipywidgets": (ipywidgets.__version__, (8, 0)), "threadpoolctl": (threadpoolctl.__version__, (3, 1))}
too_old = [name for name, (version, minimum) in needs.items() if not version_at_least(version, minimum)]
assert not too_old, f"please upgrade: {too_old}"

blas = [lib for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]
assert all(lib["num_threads"] == 1 for lib in blas), "numpy's BLAS should run on one thread"

print(f"lstm_lesson {lstm_lesson.__version__} is ready.")
print("numpy, matplotlib, ipywidgets and threadpoolctl are recent enough.")
print("numpy's BLAS runs on one thread (lstm_lesson.set_threads(n) raises it).")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 术语表在哪里
#
# 课程笔记（中文）把 LSTM 讲成四个门：**学习门**（learn）、**遗忘门**（forget）、**记忆门**（remember）和**使用门**（use）。论文、《动手学深度学习》（英文版 d2l 和中文版 d2l-zh）、colah 的博客文章、
# deeplearning.ai 和 PyTorch 对同样的部件各有叫法。一张术语表把它们全部对应起来：
# `lstm_lesson.classroom.glossary`（`glossary_table()` 打印整张表，`lookup("学习门")` 查找一行）。各课讲到某个术语时会解释它；这里先给出整张对照表，每次五行，以后可以回来查。

# %% slideshow={"slide_type": "skip"}
NAMES = ["notes", "english", "standard", "d2l", "d2l_zh", "colah", "dlai", "pytorch"]
groups = [TERMS[k:k + 5] for k in range(0, len(TERMS), 5)]
assert sum(len(group) for group in groups) == len(TERMS) and max(len(group) for group in groups) <= 5

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=NAMES, terms=groups[0])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=NAMES, terms=groups[1])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=NAMES, terms=groups[2])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=NAMES, terms=groups[3])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=NAMES, terms=groups[4])))

# %% [markdown] slideshow={"slide_type": "subslide"}
# 每个术语的含义（同样的行，每次五行）：

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
display(Markdown(glossary_table(columns=["notes", "meaning"], terms=groups[0])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=["notes", "meaning"], terms=groups[1])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=["notes", "meaning"], terms=groups[2])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=["notes", "meaning"], terms=groups[3])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=["notes", "meaning"], terms=groups[4])))

# %% [markdown] slideshow={"slide_type": "notes"}
# 有三个名字容易混淆：deeplearning.ai 的 **update gate Γu** 是 LSTM 的*输入门* i；笔记里的
# **更新门**是单元状态的更新 c_t；GRU 的**更新门（update gate）z**（d2l-zh：更新门 Z_t）又是第三样东西。笔记把每个 sigmoid 因子都叫作**遗忘因子**：既指 f_t，也指学习门里的 i_t 和输出门里的 o_t。
# `glossary_table(columns=["notes", "attributes", "meaning"])` 列出包在哪里计算每个术语。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 给教师：幻灯片与交互控件
#
# 幻灯片（`python -m lstm_lesson.tools.slides`）隐藏准备代码，每张图都按 notebook 最后一次画出的样子显示。幻灯片里的滑块背后没有内核（kernel）：能拖动，但什么也不会重画。下面这些需要实时运行的
# notebook（JupyterLab，先 **Run All**）：
#
# | 课 | 交互控件 | 课堂上用它做什么 |
# |---|---|---|
# | 01 | `PulseExplorer` | 拖动 λ₁ 和脉冲大小，看记忆怎样消退 |
# | 02 | `GateExplorer("lstm")`, `UnrollExplorer` | 手动设置各门的偏置；沿一个短语逐步查看各门 |
# | 03 | `GateExplorer("peephole")`, `GateExplorer("gru")` | 同样的滑块，用在 LSTM 的“亲戚”上 |
# | 04 | `GradientFlowExplorer` | 拖动 λ₁ 和遗忘门偏置，看梯度随时滞怎样变化 |
# | 05 | `BatchGridWidget` | 改变 batch_size 和 n_steps，看窗口怎样移动 |
#
# 每个交互控件在幻灯片里还有一张静态图（它下方的 SVG），可用于讲义。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 下一课
#
# 打开 `01_rnn_memory.ipynb`：一个普通 RNN，以及它对第一个输入的记忆消退得有多快。
