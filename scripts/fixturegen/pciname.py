import sys
ids={}
cur=None
for line in open('/usr/share/misc/pci.ids',encoding='utf-8',errors='replace'):
    if line.startswith('C '): break
    if line.startswith('#') or not line.strip(): continue
    if not line.startswith('\t'):
        cur=line[:4]; ids[cur]=line[6:].strip()
    elif not line.startswith('\t\t'):
        ids[cur+':'+line[1:5]]=line[7:].strip()
for a in sys.argv[1:]:
    print(a, '|', ids.get(a[:4]), '|', ids.get(a))
