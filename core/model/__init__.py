"""The book's model, read like the book's common/ and ch08/ folders.

    lstm_reference.py     the LSTM written plainly from the equations (ch. 6): read it first
    time_layers.py        TimeEmbedding, TimeAffine, TimeSoftmaxWithLoss, TimeLSTM, TimeBiLSTM (ch. 5-6, 8)
    attention_layers.py   WeightSum, AttentionWeight, Attention, TimeAttention (ch. 8)
    base.py               named parameters, the book's initialisation, the seq2seq contract
    seq2seq.py            Seq2seq, PeekySeq2seq (ch. 7)
    attention_seq2seq.py  AttentionEncoder, AttentionDecoder, AttentionSeq2seq (ch. 8)
    registry.py           the models a run can name; build_model(config, vocab_size)
    prefixes.py           shared encoder prefixes (rows that begin alike read those steps once)
    optimizer.py          Adam, global-norm gradient clipping (ch. 1, 6)
"""
