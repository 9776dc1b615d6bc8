import sys, time, csv, numpy as np, onnxruntime as ort
from tokenizers import Tokenizer
tok=Tokenizer.from_file('/tmp/en3/jar/all-minilm-l6-v2-tokenizer.json')
tok.no_padding(); tok.enable_truncation(256)
texts=[r['text'] for r in csv.DictReader(open('/work/shared/data/banking77/test.csv'))]
enc=[e.ids for e in tok.encode_batch(texts)]
order=sorted(range(len(enc)), key=lambda i:-len(enc[i]))
batches=[]; i=0
while i<len(order):
    L=len(enc[order[i]]); k=max(1,min(32,512//L)); batches.append(order[i:i+k]); i+=k
def sess(path, cfg={}):
    so=ort.SessionOptions(); so.intra_op_num_threads=1; so.inter_op_num_threads=1
    so.graph_optimization_level=ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    for k,v in cfg.items(): so.add_session_config_entry(k,v)
    return ort.InferenceSession(path, so, providers=['CPUExecutionProvider'])
def run(s):
    out=np.zeros((len(enc),384),np.float64)
    names=[i.name for i in s.get_inputs()]
    t=time.perf_counter()
    for b in batches:
        L=len(enc[b[0]]); ids=np.zeros((len(b),L),np.int64); m=np.zeros((len(b),L),np.int64)
        for r,j in enumerate(b): ids[r,:len(enc[j])]=enc[j]; m[r,:len(enc[j])]=1
        feed={'input_ids':ids,'attention_mask':m}
        if 'token_type_ids' in names: feed['token_type_ids']=np.zeros_like(ids)
        h=s.run(None,feed)[0].astype(np.float64)
        p=(h*m[:,:,None]).sum(1)/m.sum(1,keepdims=True)
        out[b]=p
    dt=time.perf_counter()-t
    return out/np.linalg.norm(out,axis=1,keepdims=True), dt
configs=[a.split('=') for a in sys.argv[1:]]
ref=None
for name,path,cfg in [('orig','/tmp/en3/jar/all-minilm-l6-v2.onnx',{})]+[(c[0],c[1],dict(kv.split(':') for kv in c[2:])) for c in [x.split(',') for x in sys.argv[1:]]]:
    s=sess(path,cfg); run(s)  # warm
    v,dt=run(s); v2,dt2=run(s)
    if ref is None: ref=v
    cos=(v*ref).sum(1)
    print(f"{name}: {min(dt,dt2):.3f}s  {len(enc)/min(dt,dt2):.1f}/s  min cos {cos.min():.9f}", flush=True)
