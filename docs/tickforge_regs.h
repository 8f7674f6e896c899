/* Generated from the tickforge register declarations. Do not edit. */
#ifndef TICKFORGE_REGS_H
#define TICKFORGE_REGS_H

/* Block system: Identity of the bitstream, a scratch register for bus tests, a free-running cycle counter, soft reset and sticky status bits. Always the first block. */
#define TICKFORGE_SYSTEM_BASE                            0x00000000u
#define TICKFORGE_SYSTEM_BLOCK_TYPE                      0x53595354u
#define TICKFORGE_SYSTEM_BLOCK_VERSION                   1u
#define TICKFORGE_SYSTEM_TYPE                            0x00000000u  /* RO: Block type identifier. */
#define TICKFORGE_SYSTEM_TYPE_RESET                      0x53595354u
#define TICKFORGE_SYSTEM_VERSION                         0x00000004u  /* RO: Block register-layout version. */
#define TICKFORGE_SYSTEM_VERSION_RESET                   0x00000001u
#define TICKFORGE_SYSTEM_NEXT                            0x00000008u  /* RO: Byte address of the next block header; 0 if last. */
#define TICKFORGE_SYSTEM_NEXT_RESET                      0x00000000u
#define TICKFORGE_SYSTEM_MAGIC                           0x0000000Cu  /* RO: Always 0x544B4647 (ASCII TKFG). */
#define TICKFORGE_SYSTEM_MAGIC_RESET                     0x544B4647u
#define TICKFORGE_SYSTEM_DESIGN_VERSION                  0x00000010u  /* RO: Gateware version. */
#define TICKFORGE_SYSTEM_DESIGN_VERSION_RESET            0x00000100u
#define TICKFORGE_SYSTEM_DESIGN_VERSION_PATCH_SHIFT      0u
#define TICKFORGE_SYSTEM_DESIGN_VERSION_PATCH_MASK       0x000000FFu  /* Patch level. */
#define TICKFORGE_SYSTEM_DESIGN_VERSION_MINOR_SHIFT      8u
#define TICKFORGE_SYSTEM_DESIGN_VERSION_MINOR_MASK       0x0000FF00u  /* Minor version. */
#define TICKFORGE_SYSTEM_DESIGN_VERSION_MAJOR_SHIFT      16u
#define TICKFORGE_SYSTEM_DESIGN_VERSION_MAJOR_MASK       0x00FF0000u  /* Major version. */
#define TICKFORGE_SYSTEM_SCRATCH                         0x00000014u  /* RW: Free for software; bus tests write and read it back. */
#define TICKFORGE_SYSTEM_SCRATCH_RESET                   0x00000000u
#define TICKFORGE_SYSTEM_CYCLES_LO                       0x00000018u  /* RO: Cycle counter bits 31..0. Reading it latches bits 63..32 into cycles_hi: read cycles_lo first. */
#define TICKFORGE_SYSTEM_CYCLES_LO_RESET                 0x00000000u
#define TICKFORGE_SYSTEM_CYCLES_HI                       0x0000001Cu  /* RO: Cycle counter bits 63..32 as latched by the last read of cycles_lo. */
#define TICKFORGE_SYSTEM_CYCLES_HI_RESET                 0x00000000u
#define TICKFORGE_SYSTEM_CONTROL                         0x00000020u  /* W1S: Commands; write 1 to a bit to trigger it. */
#define TICKFORGE_SYSTEM_CONTROL_RESET                   0x00000000u
#define TICKFORGE_SYSTEM_CONTROL_SOFT_RESET_SHIFT        0u
#define TICKFORGE_SYSTEM_CONTROL_SOFT_RESET_MASK         0x00000001u  /* Restart the cycle counter and pulse the design's soft reset. */
#define TICKFORGE_SYSTEM_STATUS                          0x00000024u  /* W1C: Sticky events; write 1 to a bit to clear it. */
#define TICKFORGE_SYSTEM_STATUS_RESET                    0x00000000u
#define TICKFORGE_SYSTEM_STATUS_WRAPPED_SHIFT            0u
#define TICKFORGE_SYSTEM_STATUS_WRAPPED_MASK             0x00000001u  /* The 64-bit cycle counter wrapped to 0. */
#define TICKFORGE_SYSTEM_STATUS_EVENT_SHIFT              1u
#define TICKFORGE_SYSTEM_STATUS_EVENT_MASK               0x00000002u  /* The status_event input was high (test hook). */

#endif /* TICKFORGE_REGS_H */
