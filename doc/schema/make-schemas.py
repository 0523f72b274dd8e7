#!/usr/bin/env python3
# Writes doc/schema/*.json (run from the top directory): the JSON Schemas of
# hostdev's -J outputs, checked against every fixture by tests/cli/test-cli.sh.
import json
S="https://json-schema.org/draft/2020-12/schema"
BASE="https://github.com/hostdev/hostdev/doc/schema/"
s=lambda: {"type":"string"}
sn=lambda: {"type":["string","null"]}
i=lambda: {"type":"integer"}
iN=lambda: {"type":["integer","null"]}
b=lambda: {"type":"boolean"}
bN=lambda: {"type":["boolean","null"]}
hex4={"type":"string","pattern":"^[0-9a-f]{4}$"}
common={"name":{"type":"string","minLength":1},"type":{"enum":["system","pci","usb_device","usb_interface","scsi_host","scsi_target","scsi","scsi_generic","net","block","mdev"]},
        "parent":sn(),"sysfs_path":sn()}
types={
 "system":({},{}),
 "pci":({"address":{"type":"string","pattern":"^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$"},"vendor_id":hex4,"device_id":hex4,
          "subsystem_vendor_id":{"type":["string","null"]},"subsystem_device_id":{"type":["string","null"]},
          "class":{"type":["string","null"],"pattern":"^[0-9a-f]{6}$"},"vendor_name":sn(),"device_name":sn(),"driver":sn(),
          "iommu_group":iN(),"physfn":sn(),"virtfns":i(),"boot_vga":bN()},
         {"numa_node":iN(),"reset_method":sn(),"driver_override":sn()}),
 "usb_device":({"sysname":s(),"busnum":iN(),"devnum":iN(),"vendor_id":sn(),"product_id":sn(),"manufacturer":sn(),"product":sn(),
                "serial":sn(),"class":sn(),"driver":sn(),"vendor_name":sn(),"product_name":sn()},{"speed":sn()}),
 "usb_interface":({"sysname":s(),"number":iN(),"class":sn(),"subclass":sn(),"protocol":sn(),"driver":sn()},{}),
 "scsi_host":({"host":i(),"driver":sn(),"wwnn":sn(),"wwpn":sn()},{}),
 "scsi_target":({"host":i(),"channel":i(),"target":i()},{}),
 "scsi":({"host":i(),"channel":i(),"target":i(),"lun":i(),"vendor":sn(),"model":sn(),"scsi_type":iN(),"driver":sn(),"block":sn(),"sg":sn()},{}),
 "scsi_generic":({"sg":s()},{"dev":sn()}),
 "net":({"interface":s()},{"address":sn(),"operstate":sn()}),
 "block":({"block":s()},{"size":iN(),"dev":sn()}),
 "mdev":({"uuid":s(),"mdev_type":sn(),"device_api":sn(),"driver":sn(),"iommu_group":iN()},{}),
}
def device(detail, children):
    props=dict(common)
    allof=[]
    for t,(req,det) in types.items():
        p=dict(req); p.update(det)
        allof.append({"if":{"properties":{"type":{"const":t}}},
                      "then":{"required":list(req.keys()),"properties":p}})
    if children:
        props["children"]={"type":"array","items":{"$ref":"#/$defs/device"}}
    d={"type":"object","required":list(common.keys()),"properties":props,
       # show adds structured detail (a parent's mdev_types, a PF's SR-IOV counts)
       "additionalProperties":{"type":["string","integer","boolean","null"] + (["array","object"] if detail else [])},
       "allOf":allof}
    return d
version={"const":1,"description":"format version: raised when a key changes meaning or goes away"}
def doc(name,title,desc,body,defs=None):
    o={"$schema":S,"$id":BASE+name,"title":title,"description":desc}
    o.update(body)
    if defs: o["$defs"]=defs
    json.dump(o,open("doc/schema/"+name,"w"),indent=2); open("doc/schema/"+name,"a").write("\n")
doc("list.json","hostdev list -J","hostdev list -J [--tree] without -o/-O: every device with its type's properties, parents first; with --tree nested under \"children\" from the root \"computer\".",
    {"type":"object","required":["version","devices"],"additionalProperties":False,
     "properties":{"version":version,"devices":{"type":"array","items":{"$ref":"#/$defs/device"}}}},
    {"device":device(False,True)})
doc("show.json","hostdev show -J","hostdev show -J DEVICE...: every property of each device, detail properties included.",
    {"type":"object","required":["version","devices"],"additionalProperties":False,
     "properties":{"version":version,"devices":{"type":"array","minItems":1,"items":{"$ref":"#/$defs/device"}}}},
    {"device":device(True,False)})
col={"type":"object","propertyNames":{"pattern":"^[a-z][a-z0-9_]*$"},
     "properties":{"children":{"type":"array","items":{"$ref":"#/$defs/row"}}},
     "additionalProperties":{"type":["string","null"]}}
doc("columns.json","hostdev list -J -o COLS / -O","list -J with -o COLS or -O: one object per device whose keys are the selected columns in lower case, values the cells as text (null when empty); with --tree nested under \"children\".",
    {"type":"object","required":["version","devices"],"additionalProperties":False,
     "properties":{"version":version,"devices":{"type":"array","items":{"$ref":"#/$defs/row"}}}},
    {"row":col})
reason={"type":"object","required":["code","severity","message"],"additionalProperties":False,
        "properties":{"code":{"type":"string","pattern":"^[a-z0-9-]+$"},"severity":{"enum":["info","warning","error"]},"message":s()}}
doc("check.json","hostdev check -J","hostdev check -J DEVICE...: the judge's verdict on each device.",
    {"type":"object","required":["version","devices"],"additionalProperties":False,
     "properties":{"version":version,"devices":{"type":"array","minItems":1,"items":{
        "type":"object","required":["name","eligible","affected","reasons"],"additionalProperties":False,
        "properties":{"name":s(),"eligible":b(),"affected":{"type":"array","items":s()},"reasons":{"type":"array","items":{"$ref":"#/$defs/reason"}}}}}}},
    {"reason":reason})
gdev={"type":"object","required":["name","address","vendor_id","device_id","vendor_name","device_name","driver","bridge","eligible"],
      "additionalProperties":False,
      "properties":{"name":s(),"address":s(),"vendor_id":sn(),"device_id":sn(),"vendor_name":sn(),"device_name":sn(),"driver":sn(),"bridge":b(),"eligible":bN()}}
greason=json.loads(json.dumps(reason)); greason["required"]=["device","code","severity","message"]; greason["properties"]["device"]=s()
doc("groups.json","hostdev groups -J","hostdev groups -J: every IOMMU group, its PCI functions and the judge's reasons (each once); with -o/-O each function is an object of the selected columns (as columns.json).",
    {"type":"object","required":["version","groups"],"additionalProperties":False,
     "properties":{"version":version,"groups":{"type":"array","items":{
        "type":"object","required":["group","viable","devices","reasons"],"additionalProperties":False,
        "properties":{"group":{"type":"integer","minimum":0},"viable":b(),
                      "devices":{"type":"array","items":{"oneOf":[{"$ref":"#/$defs/device"},{"$ref":"#/$defs/row"}]}},
                      "reasons":{"type":"array","items":{"$ref":"#/$defs/reason"}}}}}}},
    {"device":gdev,"reason":greason,"row":{"type":"object","not":{"required":["bridge"]},"additionalProperties":{"type":["string","null"]}}})
doc("qemu.json","hostdev qemu -J","hostdev qemu -J DEVICE...: the QEMU arguments, one string each, in order. An array has no room for a version key: its format is fixed (an array of strings) and follows the version of the other outputs.",
    {"type":"array","items":{"type":"string"}})
# apply -J and status -J (hostdev.conf(5)'s lifecycle) carry "schema" rather than "version"
schema_v={"const":1,"description":"format version of apply/status -J: raised when a key changes meaning or goes away"}
entry={"entry":sn(),"selector":s(),"owner":sn(),"note":sn()}
warnings={"type":"array","items":s()}
state={"type":"object","required":["driver","driver_override","vfio_node_owner"],"additionalProperties":False,
       "properties":{"driver":sn(),"driver_override":sn(),"vfio_node_owner":sn()}}
adev={"type":"object","additionalProperties":False,
      "required":["name","address","group","changed","action","failed","configured","selected","bound_by_hostdev","entry","before","after","message"],
      "properties":dict({"name":s(),"address":s(),"group":i(),"changed":b(),
                         "action":{"enum":["none","bind","unbind","sriov","mdev"],"description":"sriov: a VF count set (driver before/after: numvfs=N); mdev: an mdev made or removed (driver: mdev UUID, null when absent)"},
                         "failed":b(),"configured":b(),"selected":b(),"bound_by_hostdev":b(),"before":state,"after":state,
                         "diff":{"type":"object","required":["before","after"],"additionalProperties":False,"properties":{"before":s(),"after":s()}},
                         "message":sn()},**entry)}
doc("apply.json","hostdev apply -J","hostdev apply -J [--check] [--diff]: what apply did (would do) to each PCI function of a configured or journaled group, to each VF count and each mdev, and the warnings.",
    {"type":"object","required":["schema","check","changed","failed","devices","warnings"],"additionalProperties":False,
     "properties":{"schema":schema_v,"check":b(),"changed":{"type":"integer","minimum":0},"failed":{"type":"integer","minimum":0},
                   "devices":{"type":"array","items":{"$ref":"#/$defs/device"}},"warnings":warnings}},
    {"device":adev})
sdev={"type":"object","additionalProperties":False,
      "required":["name","address","group","configured","selected","entry","bound_by_hostdev","driver","driver_override","vfio_node_owner","original_driver","original_driver_override","held_by"],
      "properties":dict({"name":s(),"address":s(),"group":i(),"configured":b(),"selected":b(),"bound_by_hostdev":b(),
                         "driver":sn(),"driver_override":sn(),"vfio_node_owner":sn(),"original_driver":sn(),"original_driver_override":sn(),"held_by":sn()},**entry)}
spf={"type":"object","additionalProperties":False,
     "required":["name","address","configured","entry","changed_by_hostdev","numvfs","totalvfs","configured_numvfs","original_numvfs"],
     "properties":dict({"name":s(),"address":s(),"configured":b(),"changed_by_hostdev":b(),"numvfs":iN(),"totalvfs":iN(),
                        "configured_numvfs":iN(),"original_numvfs":iN()},**entry)}
smdev={"type":"object","additionalProperties":False,
       "required":["name","uuid","parent","type","present","group","configured","entry","created_by_hostdev","driver","held_by"],
       "properties":dict({"name":s(),"uuid":{"type":"string","pattern":"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"},
                          "parent":sn(),"type":sn(),"present":b(),"group":iN(),"configured":b(),"created_by_hostdev":b(),
                          "driver":sn(),"held_by":sn()},**entry)}
doc("status.json","hostdev status -J","hostdev status -J: every PCI function configured or in hostdev's journal, every SR-IOV PF and every mdev a sriov/mdev entry or hostdev's journal names, and the warnings.",
    {"type":"object","required":["schema","devices","sriov","mdevs","warnings"],"additionalProperties":False,
     "properties":{"schema":schema_v,"devices":{"type":"array","items":{"$ref":"#/$defs/device"}},
                   "sriov":{"type":"array","items":{"$ref":"#/$defs/pf"}},"mdevs":{"type":"array","items":{"$ref":"#/$defs/mdev"}},
                   "warnings":warnings}},
    {"device":sdev,"pf":spf,"mdev":smdev})
