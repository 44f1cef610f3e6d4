import re,sys
txt=open(sys.argv[1]).read()
res=[]
for m in re.finditer(r"<task (?P<attrs>[^>]*)>(?P<body>.*?)<task_done (?P<done>[^>]*)/>", txt, re.S):
    a=m.group('attrs'); d=m.group('done')
    meth=re.search(r"method='([^']*)'",a).group(1)
    st=float(re.search(r"stamp='([^']*)'",a).group(1)); en=float(re.search(r"stamp='([^']*)'",d).group(1))
    lvl=re.search(r"level='(\d)'",a); lvl=lvl.group(1) if lvl else '4'
    osr='osr_bci' in a
    res.append((en-st,st,lvl,osr,meth))
c2=[r for r in res if r[2]=='4']
print("C2 total %.3f s in %d tasks; C1 %.3f s in %d"%(sum(r[0] for r in c2),len(c2),sum(r[0] for r in res if r[2]!='4'),len(res)-len(c2)))
for r in sorted(c2,key=lambda r:-r[0])[:int(sys.argv[2]) if len(sys.argv)>2 else 15]: print("%.3f at %.3f osr=%s %s"%(r[0],r[1],r[3],r[4][:110]))
