import { AddressSpace, MAP, PROT } from '@maple-tree/vma-mm';

const mm = new AddressSpace({ arch: 'x86_64', startBrk: 0x555555556000 });
const a = mm.mmap(0, 0x4000, PROT.READ | PROT.WRITE, MAP.PRIVATE | MAP.ANONYMOUS);
console.log(a.toString(16)); // 7ffff7ffb000
console.log(mm.mprotect(a + 0x1000, 0x1000, PROT.READ)); // 0: splits the VMA in three
console.log(mm.mremap(a, 0x4000, 0x8000, 0)); // -14 (EFAULT): the range now spans VMAs
console.log(mm.findVma(a + 0x1000)?.startPage.toString(16)); // 7ffff7ffc
console.log(mm.munmap(a, 1)); // 0
console.log(mm.procMaps());
